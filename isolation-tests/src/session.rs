//! Sessions driven one step at a time, each on its own thread, with blocking detected from the
//! engine's wait queues.
//!
//! A [`Scenario`] owns a database and named sessions. [`Scenario::step`] sends one statement
//! to a session's thread and returns once that statement has either completed or is seen
//! waiting in the lock manager ([`Database::waiting_for`]); then, before returning, it waits
//! until every other session with a statement in flight has likewise completed or is waiting.
//! No timer decides anything: a deadline only turns a hang (an engine bug) into a test failure.
//!
//! This is PostgreSQL's isolation tester's discipline, and it makes the output of a
//! permutation deterministic.

use std::collections::BTreeMap;
use std::sync::mpsc::{channel, Receiver, Sender, TryRecvError};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use isolde::{Database, Error, SessionHandle, StatementResult};

/// How long a statement may take to complete or to be seen waiting before the scenario fails.
pub const STEP_DEADLINE: Duration = Duration::from_secs(20);

/// What a step did by the time [`Scenario::step`] returned.
#[derive(Clone, Debug, PartialEq)]
pub enum Outcome {
    Done(Result<StatementResult, Error>),
    /// The statement waits for a lock held (or queued for) by these sessions.
    Waiting(Vec<String>),
}

struct Session {
    commands: Sender<String>,
    results: Receiver<Result<StatementResult, Error>>,
    handle: SessionHandle,
    thread: Option<JoinHandle<()>>,
    /// A statement was sent and its result not yet collected.
    in_flight: bool,
    /// The result of an in-flight statement that completed while someone else was stepping.
    completed: Option<Result<StatementResult, Error>>,
}

/// A database with named sessions; see the module documentation.
pub struct Scenario {
    db: Database,
    sessions: BTreeMap<String, Session>,
}

impl Scenario {
    pub fn new() -> Scenario {
        Scenario { db: Database::open_in_memory(), sessions: BTreeMap::new() }
    }

    pub fn database(&self) -> &Database {
        &self.db
    }

    /// Runs setup SQL (several statements) on a connection of its own.
    pub fn setup(&self, sql: &str) {
        self.db.connect().execute_batch(sql).unwrap_or_else(|e| panic!("setup failed: {e}\n{sql}"));
    }

    /// Adds a session named `name` with its own thread and connection.
    pub fn session(&mut self, name: &str) {
        let (command_tx, command_rx) = channel::<String>();
        let (result_tx, result_rx) = channel();
        let conn = self.db.connect();
        let handle = conn.handle();
        let thread = std::thread::Builder::new()
            .name(format!("session-{name}"))
            .spawn(move || {
                for sql in command_rx {
                    if result_tx.send(conn.run(&sql)).is_err() {
                        break;
                    }
                }
            })
            .expect("spawn session thread");
        let session = Session {
            commands: command_tx,
            results: result_rx,
            handle,
            thread: Some(thread),
            in_flight: false,
            completed: None,
        };
        self.sessions.insert(name.to_string(), session);
    }

    /// Runs `sql` on session `name`; see the module documentation.
    pub fn step(&mut self, name: &str, sql: &str) -> Outcome {
        let session = self.sessions.get_mut(name).unwrap_or_else(|| panic!("no session {name}"));
        assert!(!session.in_flight, "session {name} is still waiting; it cannot run {sql}");
        session.commands.send(sql.to_string()).expect("session thread alive");
        session.in_flight = true;
        let waiting = self.settle(name);
        let others: Vec<String> = self
            .sessions
            .iter()
            .filter(|(n, s)| n.as_str() != name && s.in_flight && s.completed.is_none())
            .map(|(n, _)| n.clone())
            .collect();
        for other in others {
            self.settle(&other);
        }
        match waiting {
            Some(blockers) => Outcome::Waiting(blockers),
            None => Outcome::Done(self.result(name)),
        }
    }

    /// The result of session `name`'s statement that was reported waiting, once it has
    /// completed (waiting for it, up to the deadline, if needed).
    pub fn result(&mut self, name: &str) -> Result<StatementResult, Error> {
        if self.settle(name).is_some() {
            self.settle_until_done(name);
        }
        let session = self.sessions.get_mut(name).unwrap_or_else(|| panic!("no session {name}"));
        session.in_flight = false;
        session.completed.take().expect("settled")
    }

    /// Whether session `name`'s statement, reported waiting earlier, has completed since.
    pub fn has_completed(&self, name: &str) -> bool {
        self.sessions[name].completed.is_some()
    }

    /// Waits until session `name`'s in-flight statement completes (its result is then kept
    /// for [`result`](Self::result)) or is seen waiting (its blockers are returned).
    fn settle(&mut self, name: &str) -> Option<Vec<String>> {
        let deadline = Instant::now() + STEP_DEADLINE;
        loop {
            if self.receive(name) {
                return None;
            }
            if let Some(blockers) = self.blockers_of(name) {
                return Some(blockers);
            }
            assert!(Instant::now() < deadline, "session {name} neither completed nor waited within {STEP_DEADLINE:?}");
            std::thread::sleep(Duration::from_micros(200));
        }
    }

    /// Waits, up to the deadline, for session `name`'s statement to complete.
    fn settle_until_done(&mut self, name: &str) {
        let deadline = Instant::now() + STEP_DEADLINE;
        while !self.receive(name) {
            assert!(Instant::now() < deadline, "session {name} did not complete within {STEP_DEADLINE:?}");
            std::thread::sleep(Duration::from_micros(200));
        }
    }

    /// Collects session `name`'s result if it has arrived; true when one is held.
    fn receive(&mut self, name: &str) -> bool {
        let session = self.sessions.get_mut(name).unwrap_or_else(|| panic!("no session {name}"));
        assert!(session.in_flight, "session {name} has no statement in flight");
        if session.completed.is_none() {
            match session.results.try_recv() {
                Ok(result) => session.completed = Some(result),
                Err(TryRecvError::Disconnected) => panic!("session {name}'s thread died"),
                Err(TryRecvError::Empty) => {}
            }
        }
        session.completed.is_some()
    }

    /// The sessions that session `name` waits for, if it is waiting in the lock manager.
    fn blockers_of(&self, name: &str) -> Option<Vec<String>> {
        let txn = self.sessions[name].handle.info().txn?;
        let wait = self.db.waiting_for(txn)?;
        let names = wait
            .blockers
            .iter()
            .map(|b| {
                self.sessions
                    .iter()
                    .find(|(_, s)| s.handle.info().txn == Some(*b))
                    .map_or_else(|| format!("transaction {b}"), |(n, _)| n.clone())
            })
            .collect();
        Some(names)
    }
}

impl Default for Scenario {
    fn default() -> Self {
        Scenario::new()
    }
}

impl Drop for Scenario {
    fn drop(&mut self) {
        for session in self.sessions.values() {
            session.handle.cancel();
        }
        for (_, mut session) in std::mem::take(&mut self.sessions) {
            drop(session.commands);
            if let Some(thread) = session.thread.take() {
                let _ = thread.join();
            }
        }
    }
}
