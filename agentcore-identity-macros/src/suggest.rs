//! Did-you-mean suggestions for misspelled argument and parameter names.

/// Returns the candidate that `unknown` most likely misspells, if any is close enough.
///
/// A candidate qualifies when its edit distance is at most a third of the longer name, rounded
/// up, or when one name contains the other, as `provider_name` contains `provider`.
pub(crate) fn closest<'a>(
    unknown: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> Option<&'a str> {
    let unknown = unknown.to_ascii_lowercase();
    candidates
        .into_iter()
        .filter_map(|candidate| {
            let lowercase = candidate.to_ascii_lowercase();
            let distance = edit_distance(&unknown, &lowercase);
            let limit = unknown.len().max(lowercase.len()).div_ceil(3);
            let contained = lowercase.len() >= 3
                && unknown.len() >= 3
                && (unknown.contains(&lowercase) || lowercase.contains(&unknown));
            (distance <= limit || contained).then_some((distance, candidate))
        })
        .min_by_key(|(distance, _)| *distance)
        .map(|(_, candidate)| candidate)
}

/// Returns the Levenshtein distance between two strings, counted in chars.
fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut previous: Vec<usize> = (0..=b.len()).collect();
    let mut current = vec![0; b.len() + 1];

    for (i, a_char) in a.chars().enumerate() {
        current[0] = i + 1;
        for (j, b_char) in b.iter().enumerate() {
            let substitution = previous[j] + usize::from(a_char != *b_char);
            current[j + 1] = substitution.min(previous[j + 1] + 1).min(current[j] + 1);
        }
        std::mem::swap(&mut previous, &mut current);
    }
    previous[b.len()]
}

#[cfg(test)]
mod tests {
    use super::{closest, edit_distance};

    #[test]
    fn edit_distance_counts_single_edits() {
        assert_eq!(edit_distance("into", "into"), 0);
        assert_eq!(edit_distance("inot", "into"), 2);
        assert_eq!(edit_distance("int", "into"), 1);
        assert_eq!(edit_distance("", "crate"), 5);
    }

    #[test]
    fn closest_suggests_python_spelling() {
        let keys = ["provider", "into", "crate"];
        assert_eq!(closest("provider_name", keys), Some("provider"));
    }

    #[test]
    fn closest_suggests_typo() {
        let keys = ["provider", "into", "crate"];
        assert_eq!(closest("provder", keys), Some("provider"));
        assert_eq!(closest("inot", keys), Some("into"));
        assert_eq!(closest("Crate", keys), Some("crate"));
    }

    #[test]
    fn closest_rejects_unrelated_name() {
        let keys = ["provider", "into", "crate"];
        assert_eq!(closest("scopes", keys), None);
        assert_eq!(closest("x", keys), None);
    }
}
