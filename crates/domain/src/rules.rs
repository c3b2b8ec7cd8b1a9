//! Rule versions (placeholder).
