//! CSV exports opened in spreadsheets: a cell that a spreadsheet would run as a formula is escaped.

/// A CSV cell that a spreadsheet would not run as a formula: a leading `=`, `+`, `-`, `@` (or tab, CR) gets a `'`.
pub fn safe_cell(cell: &str) -> String {
    if cell.starts_with(['=', '+', '-', '@', '\t', '\r']) { format!("'{cell}") } else { cell.to_owned() }
}

#[cfg(test)]
mod tests {
    use super::safe_cell;

    #[test]
    fn formulas_are_escaped() {
        for formula in ["=HYPERLINK(\"x\")", "+1", "-2+3", "@SUM(A1)", "\tx", "\rx"] {
            assert_eq!(safe_cell(formula), format!("'{formula}"));
        }
        assert_eq!(safe_cell("Ana Novak"), "Ana Novak");
    }
}
