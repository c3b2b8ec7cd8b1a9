//! CLI helpers (placeholder).
