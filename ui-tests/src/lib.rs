//! Compile-fail suite; see tests/.
