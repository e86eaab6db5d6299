//! Which crates to analyse: the packages and targets `cargo metadata` lists,
//! selected like `cargo check` selects them.

use std::path::{Path, PathBuf};

use cargo_metadata::{Metadata, MetadataCommand, Package, Target, TargetKind};

use crate::cli::Cli;
use crate::config::Settings;

/// One crate (a target of a package) to analyse.
#[derive(Debug)]
pub struct CrateJob {
    /// The package the target belongs to.
    pub package: Package,
    /// The target; its `src_path` is the crate root.
    pub target: Target,
    /// Levels and bounded types for this package.
    pub settings: Settings,
}

impl CrateJob {
    /// How cargo names the target in its messages: `lib`, `bin "name"`, `test "name"`, ...
    pub fn target_description(&self) -> String {
        let kind = self.target.kind.first().map(ToString::to_string).unwrap_or_default();
        match kind.as_str() {
            "lib" | "rlib" | "dylib" | "cdylib" | "staticlib" | "proc-macro" => "lib".to_owned(),
            "custom-build" => "build script".to_owned(),
            _ => format!("{kind} \"{}\"", self.target.name),
        }
    }
}

/// The selected crates of a workspace.
#[derive(Debug)]
pub struct Project {
    /// The workspace root; paths are shown relative to it.
    pub workspace_root: PathBuf,
    /// The crates, in package order then target order.
    pub crates: Vec<CrateJob>,
}

/// Runs `cargo metadata` and selects packages and targets as `cli` says.
///
/// # Errors
///
/// A message for a manifest that cargo rejects, an unknown package name or a
/// bad `[*.metadata.leak-audit]` table.
pub fn load(cli: &Cli) -> Result<Project, String> {
    let mut command = MetadataCommand::new();
    command.no_deps();
    if let Some(path) = &cli.manifest_path {
        if !path.is_file() {
            return Err(format!("manifest path `{}` does not exist", path.display()));
        }
        command.manifest_path(path);
    }
    let metadata = command.exec().map_err(|error| match error {
        cargo_metadata::Error::CargoMetadata { stderr } => {
            let stderr = stderr.trim();
            format!("`cargo metadata` could not read the workspace\n{stderr}")
        }
        other => format!("`cargo metadata` failed: {other}"),
    })?;
    let packages = select_packages(&metadata, cli)?;
    let mut workspace_settings = Settings::default();
    workspace_settings.apply_metadata(&metadata.workspace_metadata, "workspace.metadata.leak-audit").map_err(
        |error| format!("{error}\n  --> {}", manifest_display(&metadata, &metadata.workspace_root.join("Cargo.toml"))),
    )?;

    let mut crates = Vec::new();
    for package in packages {
        let mut settings = workspace_settings.clone();
        settings
            .apply_metadata(&package.metadata, "package.metadata.leak-audit")
            .map_err(|error| format!("{error}\n  --> {}", manifest_display(&metadata, &package.manifest_path)))?;
        settings.apply_flags(&cli.levels)?;
        settings.add_callback_registrars(cli.callback_registrars.iter().map(String::as_str));
        for target in &package.targets {
            if is_selected(target, cli.all_targets) {
                crates.push(CrateJob { package: package.clone(), target: target.clone(), settings: settings.clone() });
            }
        }
    }
    Ok(Project { workspace_root: metadata.workspace_root.clone().into_std_path_buf(), crates })
}

fn manifest_display(metadata: &Metadata, manifest: &cargo_metadata::camino::Utf8Path) -> String {
    manifest.strip_prefix(&metadata.workspace_root).map_or_else(|_| manifest.to_string(), ToString::to_string)
}

fn is_selected(target: &Target, all_targets: bool) -> bool {
    target.kind.iter().any(|kind| match kind {
        TargetKind::Lib
        | TargetKind::RLib
        | TargetKind::DyLib
        | TargetKind::CDyLib
        | TargetKind::StaticLib
        | TargetKind::ProcMacro
        | TargetKind::Bin => true,
        TargetKind::Example | TargetKind::Test | TargetKind::Bench | TargetKind::CustomBuild => all_targets,
        _ => false,
    })
}

/// Selects packages like cargo: `-p` names, `--workspace`, the package of the
/// manifest in use, or else the workspace's default members.
fn select_packages<'m>(metadata: &'m Metadata, cli: &Cli) -> Result<Vec<&'m Package>, String> {
    let members: Vec<&Package> = metadata.workspace_packages();
    if !cli.packages.is_empty() {
        return cli
            .packages
            .iter()
            .map(|spec| {
                members.iter().copied().find(|package| matches_spec(package, spec)).ok_or_else(|| {
                    let names: Vec<String> = members.iter().map(|package| format!("`{}`", package.name)).collect();
                    format!("package `{spec}` is not a member of the workspace; the members are {}", names.join(", "))
                })
            })
            .collect();
    }
    if cli.workspace {
        for spec in &cli.exclude {
            if !members.iter().any(|package| matches_spec(package, spec)) {
                return Err(format!("excluded package `{spec}` is not a member of the workspace"));
            }
        }
        return Ok(members
            .into_iter()
            .filter(|package| !cli.exclude.iter().any(|spec| matches_spec(package, spec)))
            .collect());
    }
    let manifest = match &cli.manifest_path {
        Some(path) => Some(path.clone()),
        None => std::env::current_dir().ok().and_then(|dir| find_manifest(&dir)),
    };
    let manifest = manifest.and_then(|path| path.canonicalize().ok());
    if let Some(package) = manifest.as_ref().and_then(|manifest| {
        members
            .iter()
            .copied()
            .find(|package| package.manifest_path.as_std_path().canonicalize().ok().as_ref() == Some(manifest))
    }) {
        return Ok(vec![package]);
    }
    if metadata.workspace_default_members.is_available() {
        let defaults: &[cargo_metadata::PackageId] = &metadata.workspace_default_members;
        return Ok(members.into_iter().filter(|package| defaults.contains(&package.id)).collect());
    }
    Ok(members)
}

fn matches_spec(package: &Package, spec: &str) -> bool {
    let (name, version) = spec.split_once('@').unwrap_or((spec, ""));
    package.name.as_str() == name && (version.is_empty() || package.version.to_string() == version)
}

/// The nearest `Cargo.toml` at or above `dir`, as cargo finds it.
fn find_manifest(dir: &Path) -> Option<PathBuf> {
    dir.ancestors().map(|dir| dir.join("Cargo.toml")).find(|path| path.is_file())
}
