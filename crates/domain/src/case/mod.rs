//! A case as the code sees it (`model`), its handling clock (`clock`), and
//! the transition core that decides every change (`transition`).

pub mod clock;
pub mod event;
pub mod model;
pub mod transition;
