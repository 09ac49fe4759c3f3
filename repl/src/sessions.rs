//! The shell's named sessions: each one a thread with its own [`Connection`], so that a
//! statement waiting for a lock never blocks the shell.
//!
//! [`Sessions::submit`] hands a task to a session's thread; [`Sessions::settle`] then waits
//! until every session with a task in flight has either finished it or is seen *waiting in
//! the lock manager* ([`Database::waiting_for`]): the engine's own wait queues decide, never a
//! timer (the loop only sleeps between looks). A waiting task is *detached*: the shell gets
//! its prompt back, and the result is reported when the task finishes:
//!
//! * while the shell settles (after every step of a script, and after every interactive
//!   input), finished detached tasks are collected and returned by `settle`, in session-name
//!   order, after the stepped session's own outcome: the output of a script is deterministic;
//! * while the shell waits for input, a finished detached task is handed at once to the
//!   *printer* set with [`Sessions::set_printer`] (the interactive shell prints it above the
//!   prompt); with no printer it is kept for the next `settle`.
//!
//! All of this state sits behind one mutex ([`Hub`]) shared with the session threads, so that
//! "the task finished" and "the shell saw it waiting" cannot cross: whichever takes the lock
//! first decides how the result is reported.

use std::collections::BTreeMap;
use std::panic::AssertUnwindSafe;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{channel, Sender};
use std::sync::Arc;
use std::thread::JoinHandle;
use std::time::Duration;

use isolde::{
    Connection, Database, Error, IsolationLevel, SessionHandle, SessionInfo, StatementResult, TxnId, VersionsReport,
};
use parking_lot::Mutex;

/// How long the settling loop sleeps between two looks at the sessions.
const POLL: Duration = Duration::from_micros(200);

/// Work for a session's thread.
#[derive(Clone, Debug)]
pub enum Task {
    /// Run one SQL statement.
    Sql(String),
    /// Set the session's default isolation level (`\session NAME LEVEL`).
    SetLevel(IsolationLevel),
    /// Every version of a table's rows, judged by the session's reader (`\versions TABLE`).
    Versions(String),
}

impl Task {
    /// The text the task is reported under.
    pub fn text(&self) -> &str {
        match self {
            Task::Sql(sql) => sql,
            Task::SetLevel(_) => "\\session",
            Task::Versions(_) => "\\versions",
        }
    }
}

/// What a task produced.
#[derive(Debug)]
pub enum Reply {
    Sql(Result<StatementResult, Error>),
    Done(Result<(), Error>),
    Versions(Result<VersionsReport, Error>),
}

/// A finished task.
#[derive(Debug)]
pub struct Finished {
    pub session: String,
    pub task: Task,
    pub reply: Reply,
    /// It had been reported waiting.
    pub resumed: bool,
}

/// A task seen waiting for a lock.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Waiting {
    pub session: String,
    pub task_text: String,
    /// The sessions it waits for (or `T<id>` for a transaction no session runs).
    pub blockers: Vec<String>,
    /// What it waits for: `X lock on accounts(id=1)`.
    pub what: String,
}

/// What happened to the tasks in flight, as one settle saw it.
#[derive(Debug)]
pub enum Event {
    Finished(Finished),
    Waiting(Waiting),
}

/// What one settle saw, and whether it cancelled running tasks on an interrupt.
#[derive(Debug)]
pub struct Settled {
    pub events: Vec<Event>,
    pub interrupted: bool,
}

type Printer = Box<dyn FnMut(Finished) + Send>;

/// One session's task, as the hub tracks it.
#[derive(Default)]
struct Slot {
    /// The task in flight.
    running: Option<Task>,
    /// Its outcome, once finished and not yet collected (only for tasks not detached).
    finished: Option<Finished>,
    /// Reported waiting: its outcome goes to the printer or to `resumed`.
    detached: bool,
}

/// The state the shell and the session threads share.
#[derive(Default)]
struct Hub {
    slots: BTreeMap<String, Slot>,
    /// The shell is settling: finished detached tasks wait in `resumed` for it.
    settling: bool,
    resumed: Vec<Finished>,
    printer: Option<Printer>,
}

struct Session {
    tasks: Sender<Task>,
    handle: SessionHandle,
    thread: Option<JoinHandle<()>>,
}

/// The shell's sessions; see the module documentation.
pub struct Sessions {
    db: Database,
    sessions: BTreeMap<String, Session>,
    hub: Arc<Mutex<Hub>>,
    names: Arc<Mutex<Vec<String>>>,
}

impl Sessions {
    pub fn new(db: Database) -> Sessions {
        Sessions { db, sessions: BTreeMap::new(), hub: Arc::default(), names: Arc::default() }
    }

    pub fn database(&self) -> &Database {
        &self.db
    }

    /// Session names, sorted.
    pub fn names(&self) -> Vec<String> {
        self.sessions.keys().cloned().collect()
    }

    /// The session names, kept current as sessions open (for completion, on another thread).
    pub fn shared_names(&self) -> Arc<Mutex<Vec<String>>> {
        self.names.clone()
    }

    /// Opens session `name` (a new connection and thread) unless it exists.
    pub fn open(&mut self, name: &str) {
        if self.sessions.contains_key(name) {
            return;
        }
        let conn = self.db.connect();
        let handle = conn.handle();
        let (tasks, inbox) = channel::<Task>();
        let hub = self.hub.clone();
        let session = name.to_string();
        let thread = std::thread::Builder::new()
            .name(format!("session-{name}"))
            .spawn(move || {
                for task in inbox {
                    // An engine panic is a bug; it must not leave the shell waiting for a reply
                    // forever, so it becomes an internal error (XX000) of this task.
                    let reply = std::panic::catch_unwind(AssertUnwindSafe(|| run(&conn, &task)))
                        .unwrap_or_else(|_| panicked(&task));
                    finish(&hub, &session, task, reply);
                }
            })
            .expect("spawn a session thread");
        self.hub.lock().slots.insert(name.to_string(), Slot::default());
        self.sessions.insert(name.to_string(), Session { tasks, handle, thread: Some(thread) });
        *self.names.lock() = self.names();
    }

    /// What the engine knows of session `name` (level, transaction, block state).
    pub fn info(&self, name: &str) -> Option<SessionInfo> {
        self.sessions.get(name).map(|s| s.handle.info())
    }

    /// The session running transaction `txn`, if it is one of the shell's.
    pub fn name_of(&self, txn: TxnId) -> Option<String> {
        self.sessions.iter().find(|(_, s)| s.handle.info().txn == Some(txn)).map(|(name, _)| name.clone())
    }

    /// `T7` as `t1` when a shell session runs it, else `T7`.
    pub fn label(&self, txn: TxnId) -> String {
        self.name_of(txn).unwrap_or_else(|| format!("T{txn}"))
    }

    /// The text of the task session `name` has in flight, if any.
    pub fn busy_with(&self, name: &str) -> Option<String> {
        self.hub.lock().slots.get(name).and_then(|s| s.running.as_ref()).map(|t| t.text().to_string())
    }

    /// Hands `task` to session `name` (opened if needed). Fails, giving the task back, if the
    /// session still has a task in flight.
    pub fn submit(&mut self, name: &str, task: Task) -> Result<(), Task> {
        self.open(name);
        let mut hub = self.hub.lock();
        let slot = hub.slots.get_mut(name).expect("opened");
        if slot.running.is_some() || slot.finished.is_some() {
            return Err(task);
        }
        slot.running = Some(task.clone());
        drop(hub);
        self.sessions[name].tasks.send(task).expect("a session thread lives as long as its session");
        Ok(())
    }

    /// Waits until every task in flight has finished or is waiting for a lock (a task reported
    /// waiting earlier whose wait has ended is waited for like any running one); returns what
    /// happened: newly finished and newly waiting tasks in session-name order, then tasks that
    /// had been waiting and finished since (also in session-name order). `interrupt`, when
    /// set, cancels every task still running (Ctrl-C); it is cleared then.
    pub fn settle(&mut self, interrupt: &AtomicBool) -> Settled {
        let mut events = Vec::new();
        let mut interrupted = false;
        self.hub.lock().settling = true;
        loop {
            let mut hub = self.hub.lock();
            let mut pending = false;
            for (name, slot) in hub.slots.iter_mut() {
                if let Some(finished) = slot.finished.take() {
                    events.push((name.clone(), Event::Finished(finished)));
                } else if let Some(task) = &slot.running {
                    match (self.wait_of(name), slot.detached) {
                        (Some((blockers, what)), false) => {
                            slot.detached = true;
                            let waiting =
                                Waiting { session: name.clone(), task_text: task.text().to_string(), blockers, what };
                            events.push((name.clone(), Event::Waiting(waiting)));
                        }
                        // Still waiting: reported already.
                        (Some(_), true) => {}
                        // Running (or granted its lock and running again): wait for it.
                        (None, _) => pending = true,
                    }
                }
            }
            if !pending {
                let mut resumed = std::mem::take(&mut hub.resumed);
                hub.settling = false;
                drop(hub);
                events.sort_by(|a, b| a.0.cmp(&b.0));
                resumed.sort_by(|a, b| a.session.cmp(&b.session));
                let mut all: Vec<Event> = events.into_iter().map(|(_, e)| e).collect();
                all.extend(resumed.into_iter().map(Event::Finished));
                return Settled { events: all, interrupted };
            }
            drop(hub);
            // Once interrupted, cancel again at every look: a statement that had not started
            // when the first cancel came would forget it (the engine clears it at the start).
            interrupted |= interrupt.swap(false, Ordering::SeqCst);
            if interrupted {
                self.cancel_running();
            }
            std::thread::sleep(POLL);
        }
    }

    /// From now on, detached tasks finishing while the shell is not settling go to `printer`.
    pub fn set_printer(&mut self, printer: Printer) {
        self.hub.lock().printer = Some(printer);
    }

    /// Cancels the task of session `name` (running or waiting): it fails with 57014.
    pub fn cancel(&self, name: &str) {
        if let Some(session) = self.sessions.get(name) {
            session.handle.cancel();
        }
    }

    /// Sessions whose task is waiting (detached), with the task's text.
    pub fn waiting(&self) -> Vec<(String, String)> {
        let hub = self.hub.lock();
        hub.slots
            .iter()
            .filter(|(_, s)| s.detached)
            .filter_map(|(name, s)| Some((name.clone(), s.running.as_ref()?.text().to_string())))
            .collect()
    }

    fn cancel_running(&self) {
        let running: Vec<String> = {
            let hub = self.hub.lock();
            hub.slots.iter().filter(|(_, s)| s.running.is_some() && !s.detached).map(|(n, _)| n.clone()).collect()
        };
        for name in running {
            self.cancel(&name);
        }
    }

    /// The sessions (by label) session `name` waits for and what it waits for, if its
    /// transaction waits in the lock manager.
    pub fn wait_of(&self, name: &str) -> Option<(Vec<String>, String)> {
        let txn = self.sessions[name].handle.info().txn?;
        let wait = self.db.waiting_for(txn)?;
        let blockers = wait.blockers.iter().map(|&b| self.label(b)).collect();
        Some((blockers, crate::introspect::waited_for(&wait)))
    }
}

impl Drop for Sessions {
    /// Cancels every wait, then ends every session (rolling back its open transaction).
    fn drop(&mut self) {
        for session in self.sessions.values() {
            session.handle.cancel();
        }
        for (_, mut session) in std::mem::take(&mut self.sessions) {
            drop(session.tasks);
            if let Some(thread) = session.thread.take() {
                let _ = thread.join();
            }
        }
    }
}

/// Runs a task on the session's own thread.
fn run(conn: &Connection, task: &Task) -> Reply {
    match task {
        Task::Sql(sql) => Reply::Sql(conn.run(sql)),
        Task::SetLevel(level) => Reply::Done(conn.set_default_isolation(*level)),
        Task::Versions(table) => Reply::Versions(conn.inspect_versions(table)),
    }
}

/// The reply of a task during which the engine panicked.
fn panicked(task: &Task) -> Reply {
    let error = Error::Internal("the engine panicked while running this; please report it".into());
    match task {
        Task::Sql(_) => Reply::Sql(Err(error)),
        Task::SetLevel(_) => Reply::Done(Err(error)),
        Task::Versions(_) => Reply::Versions(Err(error)),
    }
}

/// Reports a finished task (see the module documentation).
fn finish(hub: &Mutex<Hub>, session: &str, task: Task, reply: Reply) {
    let mut hub = hub.lock();
    let hub = &mut *hub;
    let slot = hub.slots.get_mut(session).expect("a session's slot lives as long as its thread");
    slot.running = None;
    let resumed = std::mem::take(&mut slot.detached);
    let finished = Finished { session: session.to_string(), task, reply, resumed };
    if !resumed {
        slot.finished = Some(finished);
    } else if let (false, Some(printer)) = (hub.settling, hub.printer.as_mut()) {
        printer(finished);
    } else {
        hub.resumed.push(finished);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sql(sessions: &mut Sessions, name: &str, text: &str) -> Vec<Event> {
        sessions.submit(name, Task::Sql(text.into())).expect("idle session");
        sessions.settle(&AtomicBool::new(false)).events
    }

    fn tag(event: &Event) -> String {
        match event {
            Event::Finished(Finished { session, reply: Reply::Sql(Ok(r)), resumed, .. }) => {
                format!("{session}: {}{}", r.tag, if *resumed { " (resumed)" } else { "" })
            }
            Event::Finished(Finished { session, reply: Reply::Sql(Err(e)) | Reply::Done(Err(e)), .. }) => {
                format!("{session}: {}", e.sqlstate())
            }
            Event::Finished(Finished { session, reply: Reply::Done(Ok(())), .. }) => format!("{session}: done"),
            Event::Finished(Finished { session, reply: Reply::Versions(_), .. }) => format!("{session}: versions"),
            Event::Waiting(w) => format!("{}: waiting for {} ({})", w.session, w.blockers.join(", "), w.what),
        }
    }

    fn tags(events: &[Event]) -> Vec<String> {
        events.iter().map(tag).collect()
    }

    #[test]
    fn a_waiting_statement_is_reported_then_resumes_after_the_next_step() {
        let mut s = Sessions::new(Database::open_in_memory());
        sql(&mut s, "setup", "CREATE TABLE t (id INTEGER PRIMARY KEY, v INTEGER)");
        sql(&mut s, "setup", "INSERT INTO t VALUES (1, 0)");
        assert_eq!(tags(&sql(&mut s, "t1", "BEGIN")), ["t1: BEGIN"]);
        assert_eq!(tags(&sql(&mut s, "t1", "UPDATE t SET v = 1 WHERE id = 1")), ["t1: UPDATE 1"]);
        assert_eq!(
            tags(&sql(&mut s, "t2", "UPDATE t SET v = 2 WHERE id = 1")),
            ["t2: waiting for t1 (X lock on t(id=1))"]
        );
        assert!(s.submit("t2", Task::Sql("SELECT 1".into())).is_err(), "a waiting session takes no new task");
        assert_eq!(s.waiting(), [("t2".to_string(), "UPDATE t SET v = 2 WHERE id = 1".to_string())]);
        assert_eq!(tags(&sql(&mut s, "t1", "ROLLBACK")), ["t1: ROLLBACK", "t2: UPDATE 1 (resumed)"]);
        assert!(s.waiting().is_empty());
    }

    #[test]
    fn a_resumed_statement_goes_to_the_printer_outside_a_settle() {
        let mut s = Sessions::new(Database::open_in_memory());
        sql(&mut s, "t1", "CREATE TABLE t (id INTEGER PRIMARY KEY)");
        sql(&mut s, "t1", "BEGIN");
        sql(&mut s, "t1", "INSERT INTO t VALUES (1)");
        let events = sql(&mut s, "t2", "INSERT INTO t VALUES (1)");
        assert!(matches!(events.as_slice(), [Event::Waiting(_)]), "{events:?}");
        let (printed, seen) = channel();
        s.set_printer(Box::new(move |f| printed.send(tag(&Event::Finished(f))).unwrap()));
        // Ending t1 on its own thread, outside any settle of t2's.
        s.submit("t1", Task::Sql("ROLLBACK".into())).unwrap();
        let line = seen.recv_timeout(Duration::from_secs(20)).expect("the printer hears of t2");
        assert_eq!(line, "t2: INSERT 0 1 (resumed)");
        assert_eq!(tags(&s.settle(&AtomicBool::new(false)).events), ["t1: ROLLBACK"]);
    }

    #[test]
    fn cancel_fails_a_waiting_statement_with_57014() {
        let mut s = Sessions::new(Database::open_in_memory());
        sql(&mut s, "t1", "CREATE TABLE t (id INTEGER PRIMARY KEY)");
        sql(&mut s, "t1", "BEGIN");
        sql(&mut s, "t1", "INSERT INTO t VALUES (1)");
        sql(&mut s, "t2", "INSERT INTO t VALUES (1)");
        s.cancel("t2");
        let deadline = std::time::Instant::now() + Duration::from_secs(20);
        let events = loop {
            let events = s.settle(&AtomicBool::new(false)).events;
            if !events.is_empty() || std::time::Instant::now() > deadline {
                break events;
            }
            std::thread::sleep(POLL);
        };
        assert_eq!(tags(&events), ["t2: 57014"]);
    }
}
