//! `TypeOf<T>`: a zero-sized witness of a variable's type.
//!
//! When a state must declare a `mut` variable again without a value (it was moved before the
//! suspension and is assigned after it), the expansion pins the new binding's type with
//! `if false { x = witness.never(); }`, so `x = 6;` keeps `x` a `u8` if it was one.

use core::marker::PhantomData;

/// The type of some variable, with no value.
pub struct TypeOf<T>(PhantomData<fn() -> T>);

impl<T> Clone for TypeOf<T> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<T> Copy for TypeOf<T> {}

/// The witness for `value`'s type.
#[inline]
pub fn type_of<T>(_: &T) -> TypeOf<T> {
    TypeOf(PhantomData)
}

impl<T> TypeOf<T> {
    /// Types an assignment that never runs.
    ///
    /// # Panics
    /// Always: the expansion calls it only under `if false`.
    pub fn never(self) -> T {
        unreachable!("`TypeOf::never` is only named in dead code")
    }
}
