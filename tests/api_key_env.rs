//! The key from `KOMBO_API_KEY`. Alone in its test binary: it changes the
//! process environment, which no other thread may read meanwhile.

use kombo::{API_KEY_ENV, Error, Kombo};

#[test]
fn the_key_comes_from_the_environment_or_its_absence_is_a_config_error() {
    // SAFETY: this binary runs this one test; no other thread reads the environment.
    unsafe { std::env::set_var(API_KEY_ENV, "from-env") };
    assert!(Kombo::builder().build().is_ok());
    assert!(Kombo::from_env().is_ok());

    // SAFETY: as above.
    unsafe { std::env::remove_var(API_KEY_ENV) };
    let e = Kombo::builder().build().unwrap_err();
    assert!(matches!(e, Error::Config(_)), "{e:?}");
    assert!(e.to_string().contains("KOMBO_API_KEY"), "{e}");
}
