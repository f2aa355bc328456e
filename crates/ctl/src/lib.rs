//! soctl (being written).
