#[leak_audit::leak_audit(deny(cache_without_eviction))]
mod fonts {
    use std::collections::HashMap;

    #[derive(Default)]
    pub struct Database {
        faces: Vec<String>,
    }

    #[derive(Default)]
    pub struct Fonts {
        db: Database,
        matches: HashMap<String, Vec<usize>>,
    }

    impl Fonts {
        pub fn db_mut(&mut self) -> &mut Database {
            self.matches.clear();
            &mut self.db
        }

        pub fn matches(&mut self, query: &str) -> &Vec<usize> {
            let db = &self.db;
            self.matches.entry(query.to_owned()).or_insert_with(|| {
                db.faces.iter().enumerate().filter(|(_, face)| face.contains(query)).map(|(i, _)| i).collect()
            })
        }
    }
}

fn main() {
    let mut fonts = fonts::Fonts::default();
    assert!(fonts.matches("serif").is_empty());
    let _ = fonts.db_mut();
}
