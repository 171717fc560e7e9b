//! Compact ids for names and module paths: the model's maps are keyed by `u32`s.

use foldhash::HashMap;

/// An interner of names and of module paths.
#[derive(Debug, Default)]
pub struct Names {
    ids: HashMap<String, u32>,
    modules: HashMap<Vec<String>, u32>,
}

impl Names {
    /// The id of `name`, adding it when new.
    pub fn id(&mut self, name: &str) -> u32 {
        if let Some(&id) = self.ids.get(name) {
            return id;
        }
        let id = self.ids.len() as u32;
        self.ids.insert(name.to_string(), id);
        id
    }

    /// The id of `name`, if interned.
    pub fn get(&self, name: &str) -> Option<u32> {
        self.ids.get(name).copied()
    }

    /// The id of a module path, adding it when new.
    pub fn module(&mut self, path: &[String]) -> u32 {
        if let Some(&id) = self.modules.get(path) {
            return id;
        }
        let id = self.modules.len() as u32;
        self.modules.insert(path.to_vec(), id);
        id
    }

    /// The id of a module path, if interned.
    pub fn get_module(&self, path: &[String]) -> Option<u32> {
        self.modules.get(path).copied()
    }
}
