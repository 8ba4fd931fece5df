//! `suishoupai serve | migrate | openapi | admin …`

use anyhow::Context;
use clap::{Parser, Subcommand};
use suishoupai::{
    App,
    admin::{accounts, areas, calendar, rules},
    audit::Actor,
    auth::Role,
    config::{Config, Mode},
    core::StaffRole,
    infra::db,
};

#[derive(Parser)]
#[command(name = "suishoupai", version, about = "随手拍 backend")]
struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Subcommand)]
enum Command {
    /// Run the API (the default): migrates, loads the demo city into an empty embedded database.
    Serve,
    /// Apply migrations (`up`, the default) or list them (`status`).
    Migrate {
        #[arg(default_value = "up")]
        action: MigrateAction,
    },
    /// Write the OpenAPI spec.
    Openapi {
        #[arg(long, default_value = "api-docs/openapi.json")]
        out: String,
    },
    /// Administration.
    Admin {
        #[command(subcommand)]
        command: AdminCommand,
    },
}

#[derive(Clone, clap::ValueEnum)]
enum MigrateAction {
    Up,
    Status,
}

#[derive(Subcommand)]
enum AdminCommand {
    /// Create a staff or unit account.
    CreateAccount {
        #[arg(long)]
        username: String,
        /// Read from SSP_NEW_PASSWORD when not given, so it stays out of shell history.
        #[arg(long, env = "SSP_NEW_PASSWORD", hide_env_values = true)]
        password: String,
        /// admin | dispatcher | supervisor | unit_member
        #[arg(long, value_parser = staff_role)]
        role: Role,
        /// The unit code, for unit members.
        #[arg(long)]
        unit: Option<String>,
        #[arg(long)]
        display_name: Option<String>,
    },
    /// Disable, enable, change or reset an existing account (audited).
    Account {
        /// The account's username.
        username: String,
        #[command(subcommand)]
        action: AccountAction,
    },
    /// Open311 api_keys: one per integrator (a 12345 hotline, an app); audited.
    ApiKey {
        #[command(subcommand)]
        action: ApiKeyAction,
    },
    /// Delete stored photo objects that no photo row names (left by a
    /// crash between storing and recording an upload), older than GRACE.
    SweepStore {
        #[arg(long, default_value_t = 3600)]
        grace_secs: u64,
    },
    /// Load a year of holidays from a holiday-cn JSON file (replaces that year).
    LoadCalendar { file: String },
    /// Set the working hours of the day, e.g. `08:30-12:00,13:30-17:30`.
    SetHours { periods: String },
    /// Print the deadline the calendar gives: FROM (RFC 3339) + AMOUNT UNIT.
    CalendarDue {
        from: String,
        amount: i64,
        /// work_hours | work_days | natural_hours
        unit: String,
    },
    /// Import areas from a GeoJSON FeatureCollection (properties code, name,
    /// level, parentCode); all or nothing.
    LoadAreas { file: String },
    /// Fill the database with a believable history of N cases over the
    /// last DAYS days (for trying the command centre, and benchmarks).
    Seed {
        #[arg(long)]
        cases: usize,
        #[arg(long, default_value_t = 365)]
        days: i64,
        /// Random seed: the same seed gives the same history.
        #[arg(long, default_value_t = 2026)]
        seed: u64,
    },
    /// Add a routing rule (category and area optional: every category / city-wide).
    AddRule {
        #[arg(long)]
        category: Option<String>,
        #[arg(long)]
        area: Option<String>,
        #[arg(long)]
        unit: String,
    },
}

#[derive(Subcommand)]
enum AccountAction {
    /// It can no longer log in; its tokens stop working within 30 s.
    Disable,
    /// It can log in again.
    Enable,
    /// Change the role (and the unit of a unit member).
    SetRole {
        /// admin | dispatcher | supervisor | unit_member
        #[arg(value_parser = staff_role)]
        role: Role,
        /// The unit code, for unit members.
        #[arg(long)]
        unit: Option<String>,
    },
    /// Set a new password; every session of the account ends.
    ResetPassword {
        /// Read from SSP_NEW_PASSWORD when not given.
        #[arg(long, env = "SSP_NEW_PASSWORD", hide_env_values = true)]
        password: String,
    },
}

#[derive(Subcommand)]
enum ApiKeyAction {
    /// Issue a key for a new integrator; the key is printed once.
    Issue {
        /// The integrator, e.g. 12345热线 (unique).
        name: String,
        /// Posts per minute it may make (default 60).
        #[arg(long)]
        rate: Option<i32>,
    },
    /// List every key (revoked ones too).
    List,
    /// Revoke an integrator's key: its next post is refused.
    Revoke {
        /// The integrator's name.
        name: String,
    },
}

/// A line of a command's output. A reader that went away (`… | head`) is
/// not the command's failure: the line is dropped, the work goes on.
macro_rules! out {
    ($($t:tt)*) => {{
        use std::io::Write;
        let _ = writeln!(std::io::stdout(), $($t)*);
    }};
}

/// A line for the person at the terminal (stderr), dropped likewise.
macro_rules! note {
    ($($t:tt)*) => {{
        use std::io::Write;
        let _ = writeln!(std::io::stderr(), $($t)*);
    }};
}

/// Logs go to stderr, so that a command's output is its own (and a closed
/// output cannot stop the work).
fn init_tracing(config: &Config) {
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr);
    if config.mode == Mode::Production {
        builder.json().init();
    } else {
        builder.init();
    }
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let cli = Cli::parse();
    if let Some(Command::Openapi { out }) = &cli.command {
        std::fs::write(out, suishoupai::api::spec_json())
            .with_context(|| format!("write {out}"))?;
        out!("wrote {out}");
        return Ok(());
    }
    let config = Config::load()?;
    init_tracing(&config);
    match cli.command.unwrap_or(Command::Serve) {
        Command::Serve => {
            let app = App::build(config).await?;
            tracing::info!(addr = %app.addr, "listening; Swagger UI at /docs");
            app.run_until(shutdown_signal()).await
        }
        Command::Migrate { action } => {
            let conn = db::connect(&config.database_url, config.database_schema.as_deref()).await?;
            match action {
                MigrateAction::Up => {
                    let schema = config.database_schema.as_deref();
                    db::first_start(&conn, schema, || db::migrate(&conn)).await?;
                    out!("migrations applied");
                }
                MigrateAction::Status => {
                    db::migration_status(&conn).await?;
                }
            }
            Ok(())
        }
        Command::Admin { command } => admin(config, command).await,
        Command::Openapi { .. } => Ok(()),
    }
}

async fn admin(config: Config, command: AdminCommand) -> anyhow::Result<()> {
    let schema = config.database_schema.as_deref();
    let conn = db::connect(&config.database_url, schema).await?;
    db::first_start(&conn, schema, || db::migrate(&conn)).await?;
    match command {
        AdminCommand::CreateAccount {
            username,
            password,
            role,
            unit,
            display_name,
        } => {
            let a = accounts::service::create_account(
                &conn,
                Actor::SYSTEM,
                accounts::service::NewAccount {
                    username,
                    password: password.into(),
                    role,
                    unit_code: unit,
                    display_name,
                },
            )
            .await?;
            out!(
                "created {} ({}) id {}",
                a.username.unwrap_or_default(),
                role.as_str(),
                a.id
            );
            Ok(())
        }
        AdminCommand::ApiKey { action } => {
            use suishoupai::admin::api_keys::service as keys;
            match action {
                ApiKeyAction::Issue { name, rate } => {
                    let k = keys::issue(&conn, Actor::SYSTEM, &name, rate).await?;
                    out!("{}", k.key);
                    note!(
                        "issued for {} ({} posts/min), id {}; the key is not shown again",
                        k.row.name,
                        k.row.rate_per_minute,
                        k.row.id
                    );
                }
                ApiKeyAction::List => {
                    for k in keys::list(&conn).await? {
                        let state = k
                            .revoked_at
                            .map_or("live".to_owned(), |t| format!("revoked {t}"));
                        out!(
                            "{}\t{}…\t{}/min\t{state}",
                            k.name,
                            k.key_prefix,
                            k.rate_per_minute
                        );
                    }
                }
                ApiKeyAction::Revoke { name } => {
                    let id = keys::id_by_name(&conn, &name).await?;
                    let k = keys::revoke(&conn, Actor::SYSTEM, id).await?;
                    out!("revoked {} ({})", k.name, k.id);
                }
            }
            Ok(())
        }
        AdminCommand::Account { username, action } => {
            use accounts::service::{AccountChange, Change};
            let id = accounts::service::id_by_username(&conn, &username).await?;
            let change = match action {
                AccountAction::Disable => Change::Disabled(true),
                AccountAction::Enable => Change::Disabled(false),
                AccountAction::SetRole { role, unit } => Change::Update(AccountChange {
                    role: Some(role),
                    unit_code: unit,
                    display_name: None,
                }),
                AccountAction::ResetPassword { password } => Change::ResetPassword(password.into()),
            };
            let a = accounts::service::change_account(&conn, Actor::SYSTEM, id, change).await?;
            out!(
                "{username}: {}{}",
                a.role.as_str(),
                if a.disabled { ", disabled" } else { "" }
            );
            Ok(())
        }
        AdminCommand::SweepStore { grace_secs } => {
            let store = suishoupai::infra::store::ObjectStore::from_config(&config.store).await?;
            let grace = std::time::Duration::from_secs(grace_secs);
            let n = suishoupai::media::service::sweep_orphans(&conn, &store, grace).await?;
            out!("removed the objects of {n} unrecorded photos");
            Ok(())
        }
        AdminCommand::Seed { cases, days, seed } => {
            let t = std::time::Instant::now();
            let now = chrono::Utc::now().fixed_offset();
            let n = suishoupai::command::seed::seed(&conn, (cases, days, seed), now).await?;
            out!("seeded {n} cases in {:.1} s", t.elapsed().as_secs_f64());
            Ok(())
        }
        AdminCommand::LoadCalendar { file } => {
            let json = std::fs::read_to_string(&file).with_context(|| format!("read {file}"))?;
            let y = calendar::service::load_calendar_year(&conn, Actor::SYSTEM, &json).await?;
            out!("loaded {} ({} days)", y.year, y.days.len());
            Ok(())
        }
        AdminCommand::SetHours { periods } => {
            calendar::service::set_working_hours(&conn, Actor::SYSTEM, &periods).await?;
            out!("working hours set to {periods}");
            Ok(())
        }
        AdminCommand::CalendarDue { from, amount, unit } => {
            let from = chrono::DateTime::parse_from_rfc3339(&from).context("FROM is RFC 3339")?;
            let unit = suishoupai::core::LimitUnit::parse(&unit)
                .context("unit is work_hours, work_days or natural_hours")?;
            let cal = suishoupai::calendar::store::load(&conn).await?;
            let due = cal.due(from, amount, unit);
            out!(
                "{}",
                due.with_timezone(&suishoupai::core::time::shanghai())
                    .to_rfc3339()
            );
            Ok(())
        }
        AdminCommand::LoadAreas { file } => {
            let text = std::fs::read_to_string(&file).with_context(|| format!("read {file}"))?;
            let n = areas::service::import_geojson(&conn, Actor::SYSTEM, &text).await?;
            out!("imported {n} areas");
            Ok(())
        }
        AdminCommand::AddRule {
            category,
            area,
            unit,
        } => {
            let r = rules::service::add_rule(
                &conn,
                Actor::SYSTEM,
                category.as_deref(),
                area.as_deref(),
                &unit,
            )
            .await?;
            out!("rule {} added", r.id);
            Ok(())
        }
    }
}

/// A role the CLI gives an account, parsed as the argument is read: staff
/// or a unit's, never a citizen's (they log in with WeChat) nor an
/// integrator's (an api_key, no login).
fn staff_role(role: &str) -> Result<Role, String> {
    let words: Vec<_> = StaffRole::ALL.iter().map(|r| r.as_str()).collect();
    StaffRole::parse(role)
        .map(Role::from)
        .ok_or_else(|| format!("role must be one of {}", words.join(", ")))
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = term => {},
    }
    tracing::info!("shutting down; letting in-flight requests finish");
}
