//! Generated problems for the demo city, for the map's benchmark, the demo and manual tests:
//! `host-service dev gen-problems --db PATH --count N [--seed S]` (what `cargo xtask
//! gen-problems` runs).
//!
//! Problems cluster along a few synthetic streets of Демоград (radial avenues, a ring road and
//! side streets), with every status and category, Russian descriptions from templates, and
//! creation dates spread over two years. The same seed gives the same database. Public ones
//! are indexed through [`super::index`]'s own [`CellDeltas`] and [`insert_point`], exactly as
//! the cabinet's status change indexes them, only in large batches.

use std::path::PathBuf;

use clap::Subcommand;
use rusqlite::{Connection, params};

use super::index::{CellDeltas, IndexedPoint, insert_point};
use crate::db::{DbError, now};
use crate::demo::{self, BOUNDS, CENTRE};
use crate::{AppState, Config};

/// Problems written per transaction.
const BATCH: usize = 25_000;

/// The hidden `dev` subcommands.
#[derive(Subcommand, Debug)]
pub enum DevCommand {
    /// Fill the database (--db) with N generated problems of the demo site.
    GenProblems {
        #[arg(long)]
        count: usize,
        #[arg(long, default_value_t = 42)]
        seed: u64,
    },
    /// Run the map benchmark on the database (--db), printing table rows (see `cargo xtask bench-map`).
    BenchMap {
        /// Print the table's header first.
        #[arg(long)]
        header: bool,
        /// Queries per zoom level.
        #[arg(long, default_value_t = 300)]
        queries: usize,
        /// Where to write the figures as JSON lines (appended).
        #[arg(long)]
        json: Option<PathBuf>,
    },
}

pub async fn run_dev(command: DevCommand, config: Config) -> anyhow::Result<()> {
    match command {
        DevCommand::GenProblems { count, seed } => {
            let state = AppState::open(&config)?;
            demo::seed(&state).await?;
            let started = std::time::Instant::now();
            let written = generate(&state, count, seed).await?;
            println!(
                "Generated {written} problems into {} in {:.1} s",
                config.db_path.display(),
                started.elapsed().as_secs_f64()
            );
            Ok(())
        }
        DevCommand::BenchMap {
            header,
            queries,
            json,
        } => super::bench::run(config, header, queries, json).await,
    }
}

/// SplitMix64: small, seedable, and the same everywhere.
#[derive(Debug, Clone)]
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng(seed)
    }

    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    /// Uniform in [0, 1).
    pub fn unit(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }

    pub fn below(&mut self, n: usize) -> usize {
        (self.next_u64() % n as u64) as usize
    }

    /// Roughly normal, mean 0, deviation 1 (sum of uniforms).
    pub fn normal(&mut self) -> f64 {
        (0..6).map(|_| self.unit()).sum::<f64>() - 3.0
    }
}

/// A synthetic street: a polyline in degrees, and its name.
struct Street {
    name: &'static str,
    points: Vec<(f64, f64)>,
    /// Relative share of the problems on it.
    weight: f64,
}

fn streets() -> Vec<Street> {
    let (clat, clon) = (CENTRE.lat, CENTRE.lon);
    let radial = |name, angle_deg: f64, len: f64, weight| {
        let a = angle_deg.to_radians();
        Street {
            name,
            points: (0..=10)
                .map(|i| {
                    let r = len * i as f64 / 10.0;
                    // Streets bend a little.
                    let bend = (i as f64 * 0.7).sin() * 0.002;
                    (clat + r * a.sin() * 0.6 + bend, clon + r * a.cos() + bend)
                })
                .collect(),
            weight,
        }
    };
    let ring = Street {
        name: "Садовое кольцо",
        points: (0..=36)
            .map(|i| {
                let a = (i as f64 * 10.0).to_radians();
                (clat + 0.025 * a.sin(), clon + 0.042 * a.cos())
            })
            .collect(),
        weight: 2.0,
    };
    vec![
        radial("проспект Ленина", 0.0, 0.10, 3.0),
        radial("улица Кирова", 60.0, 0.08, 2.0),
        radial("Московская улица", 120.0, 0.10, 2.0),
        radial("улица Гагарина", 180.0, 0.10, 2.5),
        radial("Заводская улица", 240.0, 0.08, 1.5),
        radial("улица Мира", 300.0, 0.09, 2.0),
        radial("Садовая улица", 30.0, 0.05, 1.0),
        radial("Школьная улица", 210.0, 0.05, 1.0),
        ring,
    ]
}

/// Description templates per category position (the demo's default categories, in order).
fn templates(position: usize) -> &'static [&'static str] {
    const ROADS: &[&str] = &[
        "Глубокая яма на проезжей части у дома {n} по {street}, машины объезжают по встречной.",
        "Разбит асфальт на тротуаре у дома {n}, {street}: после дождя не пройти.",
        "Провалился люк на {street} напротив дома {n}, крышка сдвинута.",
        "Стёрлась разметка пешеходного перехода на {street} у дома {n}.",
    ];
    const LIGHT: &[&str] = &[
        "Не горит фонарь у дома {n} по {street}, вечером совсем темно.",
        "Мигает уличный фонарь на {street}, дом {n}, уже вторую неделю.",
        "Оборван провод освещения у остановки на {street} около дома {n}.",
    ];
    const WASTE: &[&str] = &[
        "Переполнены мусорные контейнеры во дворе дома {n} по {street}.",
        "Стихийная свалка строительного мусора за домом {n}, {street}.",
        "Не вывозят мусор с площадки у дома {n} на {street} уже несколько дней.",
    ];
    const PARKS: &[&str] = &[
        "Сломаны качели на детской площадке у дома {n} по {street}.",
        "Повалено дерево в сквере на {street} напротив дома {n}.",
        "Разбиты скамейки на аллее у дома {n}, {street}.",
    ];
    const OTHER: &[&str] = &[
        "Бродячие собаки у дома {n} по {street} пугают детей.",
        "Незаконная торговля с рук у остановки на {street}, дом {n}.",
        "Граффити на фасаде дома {n} по {street}.",
    ];
    match position {
        0 => ROADS,
        1 => LIGHT,
        2 => WASTE,
        3 => PARKS,
        _ => OTHER,
    }
}

const ANSWERS: &[&str] = &[
    "Обращение передано в подрядную организацию.",
    "Работы включены в план на ближайшую неделю.",
    "Работы выполнены, спасибо за обращение.",
    "Проблема устранена.",
];
const REFUSALS: &[&str] = &[
    "Территория не относится к ведению администрации, обращение направлено собственнику.",
    "По указанному адресу нарушений не выявлено.",
];

const ALPHABET: &[u8; 32] = b"0123456789ABCDEFGHJKMNPQRSTVWXYZ";

fn tracking_code(rng: &mut Rng) -> String {
    let bits = rng.next_u64();
    // Prefixed with «G», which real codes never start with twice in a row: easy to tell apart.
    let body: String = (0..11)
        .map(|i| ALPHABET[((bits >> (i * 5)) & 31) as usize] as char)
        .collect();
    format!("G{body}")
}

/// One generated problem, ready to insert.
struct Generated {
    category_index: usize,
    status: &'static str,
    published: bool,
    description: String,
    address: String,
    lat: f64,
    lon: f64,
    created_at: i64,
    published_at: Option<i64>,
    updated_at: i64,
    tracking_code: String,
    answer: Option<&'static str>,
}

fn one(
    rng: &mut Rng,
    streets: &[Street],
    total_weight: f64,
    categories: usize,
    now: i64,
) -> Generated {
    // 90% along a street, 10% anywhere in the city.
    let (lat, lon, street) = if rng.unit() < 0.9 {
        let mut pick = rng.unit() * total_weight;
        let mut s = &streets[0];
        for candidate in streets {
            if pick < candidate.weight {
                s = candidate;
                break;
            }
            pick -= candidate.weight;
        }
        let seg = rng.below(s.points.len() - 1);
        let t = rng.unit();
        let (a, b) = (s.points[seg], s.points[seg + 1]);
        // About 20 m off the street's axis.
        let lat = a.0 + (b.0 - a.0) * t + rng.normal() * 0.000_18;
        let lon = a.1 + (b.1 - a.1) * t + rng.normal() * 0.000_3;
        (lat, lon, s.name)
    } else {
        let lat = BOUNDS.south + rng.unit() * (BOUNDS.north - BOUNDS.south);
        let lon = BOUNDS.west + rng.unit() * (BOUNDS.east - BOUNDS.west);
        (lat, lon, streets[rng.below(streets.len())].name)
    };
    let lat = lat.clamp(BOUNDS.south, BOUNDS.north);
    let lon = lon.clamp(BOUNDS.west, BOUNDS.east);
    let category_index = rng.below(categories);
    let list = templates(category_index);
    let n = 1 + rng.below(120);
    let description = list[rng.below(list.len())]
        .replace("{n}", &n.to_string())
        .replace("{street}", street);
    let created_at = now - (rng.unit() * 730.0 * 86_400.0) as i64;
    let roll = rng.unit();
    // new 8%, refused straight from new 3%, then the public ones.
    let (status, published) = match roll {
        r if r < 0.08 => ("new", false),
        r if r < 0.11 => ("refused", false),
        r if r < 0.31 => ("published", true),
        r if r < 0.51 => ("in_progress", true),
        r if r < 0.79 => ("resolved", true),
        r if r < 0.91 => ("closed", true),
        r if r < 0.95 => ("refused", true),
        _ => ("duplicate", true),
    };
    let published_at = published.then(|| created_at + 3600 + (rng.unit() * 3.0 * 86_400.0) as i64);
    let updated_at = published_at
        .map_or(created_at, |p| p + (rng.unit() * 20.0 * 86_400.0) as i64)
        .min(now);
    let answer = match status {
        "refused" => Some(REFUSALS[rng.below(REFUSALS.len())]),
        "in_progress" | "resolved" | "closed" => Some(ANSWERS[rng.below(ANSWERS.len())]),
        _ => None,
    };
    Generated {
        category_index,
        status,
        published,
        description,
        address: format!("{street}, {n}"),
        lat,
        lon,
        created_at,
        published_at,
        updated_at,
        tracking_code: tracking_code(rng),
        answer,
    }
}

/// Writes `count` generated problems of the demo site, [`BATCH`] per transaction; returns how
/// many were written.
pub async fn generate(state: &AppState, count: usize, seed: u64) -> Result<usize, DbError> {
    let (site_id, categories, official_id) = state
        .db
        .read(|conn| {
            let site_id: i64 =
                conn.query_row("SELECT id FROM sites WHERE key = ?1", [demo::SITE_KEY], |r| r.get(0))?;
            let categories: Vec<i64> = conn
                .prepare(
                    "SELECT c.id FROM categories c JOIN sites s ON s.municipality_id = c.municipality_id
                     WHERE s.id = ?1 ORDER BY c.position, c.id",
                )?
                .query_map([site_id], |r| r.get(0))?
                .collect::<Result<_, _>>()?;
            let official: Option<i64> = conn
                .query_row("SELECT id FROM officials WHERE login = ?1", [demo::LOGIN], |r| r.get(0))
                .ok();
            Ok::<_, DbError>((site_id, categories, official))
        })
        .await?;
    let mut rng = Rng::new(seed);
    let streets = streets();
    let total_weight: f64 = streets.iter().map(|s| s.weight).sum();
    // Dates span the two years up to today (midnight UTC): the same seed gives the same
    // problems, places and texts; the dates shift with the day it runs.
    let today = now().div_euclid(86_400) * 86_400;
    let mut written = 0;
    while written < count {
        let n = BATCH.min(count - written);
        let batch: Vec<Generated> = (0..n)
            .map(|_| one(&mut rng, &streets, total_weight, categories.len(), today))
            .collect();
        let categories = categories.clone();
        state
            .db
            .write(move |conn| insert_batch(conn, site_id, &categories, official_id, &batch))
            .await?;
        written += n;
    }
    Ok(written)
}

fn insert_batch(
    conn: &Connection,
    site_id: i64,
    categories: &[i64],
    official_id: Option<i64>,
    batch: &[Generated],
) -> Result<(), DbError> {
    let mut problem = conn.prepare_cached(
        "INSERT INTO problems (site_id, category_id, status, description, address, lat, lon,
                               tracking_code, lang, created_at, updated_at, published_at, due_at, agency_id)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, 'ru', ?9, ?10, ?11,
                 ?11 + 86400 * (SELECT term_days FROM categories WHERE id = ?2),
                 CASE WHEN ?11 IS NOT NULL THEN (SELECT agency_id FROM categories WHERE id = ?2) END)",
    )?;
    let mut reporter =
        conn.prepare_cached("INSERT INTO reporters (problem_id, consent_at) VALUES (?1, ?2)")?;
    let mut event = conn.prepare_cached(
        "INSERT INTO problem_events (problem_id, at, official_id, from_status, to_status, public_answer)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
    )?;
    let mut deltas = CellDeltas::default();
    for g in batch {
        let category_id = categories[g.category_index];
        problem.execute(params![
            site_id,
            category_id,
            g.status,
            g.description,
            g.address,
            g.lat,
            g.lon,
            g.tracking_code,
            g.created_at,
            g.updated_at,
            g.published_at
        ])?;
        let id = conn.last_insert_rowid();
        reporter.execute(params![id, g.created_at])?;
        event.execute(params![
            id,
            g.created_at,
            None::<i64>,
            None::<&str>,
            "new",
            None::<&str>
        ])?;
        if let Some(published_at) = g.published_at {
            event.execute(params![
                id,
                published_at,
                official_id,
                "new",
                "published",
                None::<&str>
            ])?;
            if g.status != "published" {
                event.execute(params![
                    id,
                    g.updated_at,
                    official_id,
                    "published",
                    g.status,
                    g.answer
                ])?;
            }
        } else if g.status != "new" {
            event.execute(params![
                id,
                g.updated_at,
                official_id,
                "new",
                g.status,
                g.answer
            ])?;
        }
        if g.published {
            let point = IndexedPoint {
                id,
                site_id,
                category_id,
                status: g.status.to_owned(),
                lat: g.lat,
                lon: g.lon,
                created_at: g.created_at,
            };
            insert_point(conn, &point)?;
            deltas.add(&point, 1);
        }
    }
    deltas.flush(conn)?;
    Ok(())
}
