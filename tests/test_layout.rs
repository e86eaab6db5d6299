//! Layout: release builds add zero bytes to a counted struct; debug builds add
//! 8 bytes (alignment 4) for the creating test's tag and the value's snapshot
//! epoch or creation site;
//! `#[repr(C)]` and `#[repr(transparent)]` structs keep their exact layout in
//! every build.

use std::mem::{align_of, offset_of, size_of};

use leak_audit::count;

// The layout is what matters here, not the fields' values.
#[allow(dead_code)]
#[leak_audit::leak_audit]
mod model {
    pub struct Counted {
        pub a: u64,
        pub b: u16,
    }

    #[leak_audit(no_count)]
    pub struct Uncounted {
        pub a: u64,
        pub b: u16,
    }

    pub struct Small {
        pub byte: u8,
    }

    #[repr(C)]
    pub struct CLayout {
        pub tag: u8,
        pub value: u32,
        pub tail: u16,
    }

    pub fn c_layout() -> CLayout {
        CLayout { tag: 1, value: 2, tail: 3 }
    }

    /// The hidden field keeps a `repr(C)` struct FFI-safe.
    #[deny(improper_ctypes_definitions)]
    pub extern "C" fn tag_of(value: CLayout, by_pointer: *const CLayout) -> u8 {
        // SAFETY: callers pass a valid pointer (the test passes `&value`).
        value.tag + unsafe { (*by_pointer).tag }
    }

    #[repr(transparent)]
    pub struct Meters {
        pub value: f64,
    }

    pub fn meters(value: f64) -> Meters {
        Meters { value }
    }

    #[repr(C, align(16))]
    pub struct Aligned {
        pub x: u8,
    }
}

#[repr(C)]
struct CReference {
    tag: u8,
    value: u32,
    tail: u16,
}

#[test]
fn should_add_zero_bytes_in_release_and_eight_in_debug() {
    let plain = size_of::<model::Uncounted>();
    if cfg!(debug_assertions) {
        // u64 + u16 = 10, padded to 16; the 8-byte field fits in the padding
        // after `b` only partly: 8 + 2 + 8 = 18, padded to 24.
        assert_eq!(size_of::<model::Counted>(), 24);
        assert_eq!(size_of::<model::Small>(), 12);
        assert_eq!(align_of::<model::Small>(), 4);
    } else {
        assert_eq!(size_of::<model::Counted>(), plain);
        assert_eq!(size_of::<model::Small>(), 1);
        assert_eq!(align_of::<model::Small>(), 1);
    }
    assert_eq!(plain, 16);
}

#[test]
fn should_keep_repr_c_layout_in_every_build() {
    assert_eq!(size_of::<model::CLayout>(), size_of::<CReference>());
    assert_eq!(align_of::<model::CLayout>(), align_of::<CReference>());
    assert_eq!(offset_of!(model::CLayout, tag), offset_of!(CReference, tag));
    assert_eq!(offset_of!(model::CLayout, value), offset_of!(CReference, value));
    assert_eq!(offset_of!(model::CLayout, tail), offset_of!(CReference, tail));
    assert_eq!((size_of::<model::Aligned>(), align_of::<model::Aligned>()), (16, 16));
    let value = model::c_layout();
    assert_eq!(count::<model::CLayout>(), 1);
    assert_eq!((value.tag, value.tail), (1, 3));
    assert_eq!(value.value, 2);
}

#[test]
fn should_keep_repr_transparent_layout_in_every_build() {
    assert_eq!(size_of::<model::Meters>(), size_of::<f64>());
    assert_eq!(align_of::<model::Meters>(), align_of::<f64>());
    let meters = model::meters(1.5);
    assert_eq!(count::<model::Meters>(), 1);
    // SAFETY: `Meters` is `repr(transparent)` over `f64`, so reading it as an
    // `f64` is what the attribute promises.
    let raw: f64 = unsafe { std::mem::transmute_copy(&meters) };
    assert_eq!(raw.to_bits(), 1.5f64.to_bits());
}
