//! Every interleaving of the sessions' steps, each session's steps kept in their order.
//!
//! Two sessions of three steps have 20 interleavings, three sessions of three steps 1,680: a
//! spec with more than [`MAX_INTERLEAVINGS`] must list its permutations.

use super::parse::Spec;

/// The most interleavings a spec without `permutation` lines may have.
pub const MAX_INTERLEAVINGS: usize = 1_000;

/// The permutations to run for `spec`: its own, or all interleavings in a fixed order (at each
/// position, sessions in the order the spec declares them). `Err` if there would be too many.
pub fn permutations(spec: &Spec) -> Result<Vec<Vec<String>>, String> {
    if !spec.permutations.is_empty() {
        return Ok(spec.permutations.clone());
    }
    let sessions: Vec<Vec<String>> =
        spec.sessions.iter().map(|s| s.steps.iter().map(|st| st.name.clone()).collect()).collect();
    let count = interleaving_count(&sessions.iter().map(Vec::len).collect::<Vec<_>>());
    if count > MAX_INTERLEAVINGS as u128 {
        return Err(format!("{count} interleavings: list the permutations to run"));
    }
    let mut out = Vec::new();
    let mut next = vec![0; sessions.len()];
    let mut current = Vec::new();
    interleave(&sessions, &mut next, &mut current, &mut out);
    Ok(out)
}

fn interleave(sessions: &[Vec<String>], next: &mut [usize], current: &mut Vec<String>, out: &mut Vec<Vec<String>>) {
    let mut any = false;
    for s in 0..sessions.len() {
        if next[s] < sessions[s].len() {
            any = true;
            current.push(sessions[s][next[s]].clone());
            next[s] += 1;
            interleave(sessions, next, current, out);
            next[s] -= 1;
            current.pop();
        }
    }
    if !any {
        out.push(current.clone());
    }
}

/// The multinomial coefficient (n1 + n2 + ...)! / (n1! n2! ...), saturating.
fn interleaving_count(lengths: &[usize]) -> u128 {
    let mut total: u128 = 1;
    let mut placed: u128 = 0;
    for &n in lengths {
        for k in 1..=n as u128 {
            placed += 1;
            total = total.saturating_mul(placed) / k;
        }
    }
    total
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::spec::parse::parse;

    #[test]
    fn all_interleavings_in_a_fixed_order() {
        let spec = parse("x", "session a\nstep a1 {}\nstep a2 {}\nsession b\nstep b1 {}\n").unwrap();
        let p = permutations(&spec).unwrap();
        assert_eq!(p, vec![vec!["a1", "a2", "b1"], vec!["a1", "b1", "a2"], vec!["b1", "a1", "a2"]]);
    }

    #[test]
    fn counts_and_limits() {
        assert_eq!(interleaving_count(&[3, 3]), 20);
        assert_eq!(interleaving_count(&[3, 3, 3]), 1680);
        let three = "session a\nstep a1 {}\nstep a2 {}\nstep a3 {}\nstep a4 {}\n\
                     session b\nstep b1 {}\nstep b2 {}\nstep b3 {}\nstep b4 {}\n\
                     session c\nstep c1 {}\nstep c2 {}\nstep c3 {}\n";
        assert!(permutations(&parse("x", three).unwrap()).unwrap_err().contains("interleavings"));
    }
}
