//! What a function's handler knows of its call: who is calling, and the backend's data. Also
//! the one way shared data is locked.

use std::sync::{Mutex, MutexGuard, PoisonError};

use crate::model::{Store, User};

/// Locks shared data. A handler that panicked while holding the lock has been answered with
/// INTERNAL_ERROR; the data it guarded is still usable.
pub fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(PoisonError::into_inner)
}

/// The caller and the store, for the length of one call.
pub struct CallCtx<'a> {
    user: Option<User>,
    store: &'a Mutex<Store>,
}

impl<'a> CallCtx<'a> {
    pub fn new(user: Option<User>, store: &'a Mutex<Store>) -> Self {
        CallCtx { user, store }
    }

    pub fn user(&self) -> Option<&User> {
        self.user.as_ref()
    }

    pub fn store(&self) -> MutexGuard<'a, Store> {
        lock(self.store)
    }
}
