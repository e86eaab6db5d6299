// Struct forms that are left uncounted compile unchanged, literals outside
// the annotated item included: tuple and unit structs, `Copy` types, packed
// structs, unsized tails, structs built in consts.

#[leak_audit::leak_audit]
mod forms {
    pub struct Pair(pub u8, pub u8);
    pub struct Marker;
    #[derive(Clone, Copy)]
    pub struct Small {
        pub v: u8,
    }
    #[repr(packed)]
    pub struct Packed {
        pub a: u8,
        pub b: u32,
    }
    pub struct Tail {
        pub len: usize,
        pub rest: [u8],
    }
    pub struct Constant {
        pub v: u8,
    }
    pub const ONE: Constant = Constant { v: 1 };
}

fn main() {
    let _ = forms::Pair(1, 2);
    let _ = forms::Marker;
    let small = forms::Small { v: 1 };
    let _copies = (small, small);
    let _ = forms::Packed { a: 1, b: 2 };
    let _ = forms::Constant { v: forms::ONE.v };
}
