//! The emulator's state on disk: written after every change, read at start, so clusters survive
//! a restart. The virtual clock resumes from the time saved with them.

use std::io;
use std::path::Path;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::World;

/// What is saved: the world and the virtual time it was saved at.
#[derive(Debug, Serialize, Deserialize)]
pub struct Snapshot {
    pub virtual_now: DateTime<Utc>,
    pub world: World,
}

/// Reads the snapshot at `path`; `None` when there is none yet.
pub fn load(path: &Path) -> io::Result<Option<Snapshot>> {
    match std::fs::read(path) {
        Ok(bytes) => serde_json::from_slice(&bytes)
            .map(Some)
            .map_err(|e| io::Error::new(io::ErrorKind::InvalidData, e)),
        Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(e),
    }
}

/// Writes `snapshot` to `path` atomically: a crash leaves the old file or the new one, never half.
pub fn save(path: &Path, snapshot: &Snapshot) -> io::Result<()> {
    let bytes = serde_json::to_vec(snapshot).map_err(|e| io::Error::new(io::ErrorKind::InvalidData, e))?;
    let partial = path.with_extension("partial");
    std::fs::write(&partial, bytes)?;
    std::fs::rename(partial, path)
}
