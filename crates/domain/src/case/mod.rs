//! A case as the code sees it (`model`), its handling clock (`clock`), the
//! orders the case list is read in (`order`), and
//! the transition core that decides every change (`transition`).

pub mod clock;
pub mod event;
pub mod model;
pub mod order;
pub mod transition;
