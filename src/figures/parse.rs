//! Reading figures out of text: amounts of money, percentages and counts of the
//! nouns that matter, each with its character span, normalised value, qualifiers
//! and flags.
//!
//! Money needs a currency symbol and a percentage needs `%` or `per cent`, so a
//! year, date, section number or reference is never read as either. A bare number
//! is only taken as a count of a noun from the rules ("31 agency staff"), and even
//! then not when it looks like a year, a phone number, a list number or a
//! reference ("Standing Order 25").

use super::phrase::{first_match_at, first_match_ending_at, is_word_char, skip_space, skip_space_back, slice, Phrase};
use super::rules::FigureRules;
use super::FigureUnit;

/// The flag on a figure whose number as written can be read more than one way.
pub const FLAG_AMBIGUOUS: &str = "ambiguous";

/// The qualifier every range carries.
pub const QUALIFIER_RANGE: &str = "range";

/// A figure found in text, before it is given an id.
#[derive(Debug, Clone, PartialEq)]
pub struct Found {
    /// Character offset where the raw text starts (qualifier words included).
    pub start: usize,
    /// Character offset where the raw text ends.
    pub end: usize,
    /// The normalised value (the low end of a range).
    pub value: f64,
    /// The high end of a range.
    pub high: Option<f64>,
    /// Pounds, percent or count.
    pub unit: FigureUnit,
    /// What a count counts.
    pub noun: Option<String>,
    /// Qualifier names, in the order met.
    pub qualifiers: Vec<String>,
    /// Problems with the number as written.
    pub flags: Vec<String>,
    /// Why a flag was raised.
    pub note: Option<String>,
}

/// The rules' phrases, prepared for matching.
#[derive(Debug, Clone)]
pub struct Grammar {
    currency: Vec<char>,
    max_plain_decimals: usize,
    min_spaced_scale_length: usize,
    scales: Vec<(Phrase, i32)>,
    percent_suffixes: Vec<Phrase>,
    connectors: Vec<Phrase>,
    between: Vec<Phrase>,
    between_joiners: Vec<Phrase>,
    change_words: Vec<Phrase>,
    before_qualifiers: Vec<(Phrase, String)>,
    after_qualifiers: Vec<(Phrase, String)>,
    nouns: Vec<Phrase>,
    continuations: Vec<Phrase>,
    max_words_between: usize,
    breakers: Vec<String>,
    reference_words: Vec<Phrase>,
    year_range: [u32; 2],
    lead_ins: Vec<Phrase>,
    links: Vec<Phrase>,
    lead_in_max_words: usize,
}

impl Grammar {
    /// Prepares the phrases of `rules`.
    pub fn new(rules: &FigureRules) -> Grammar {
        let mut scales: Vec<(Phrase, i32)> = rules
            .money
            .scales
            .iter()
            .flat_map(|scale| scale.words.iter().filter_map(move |w| Phrase::new(w).map(|p| (p, scale.exponent))))
            .collect();
        scales.sort_by_key(|(p, _)| std::cmp::Reverse(p.width()));
        let qualifiers = |pick: fn(&super::rules::QualifierRule) -> &Vec<String>| {
            let mut list: Vec<(Phrase, String)> = rules
                .qualifiers
                .iter()
                .flat_map(|q| pick(q).iter().filter_map(move |w| Phrase::new(w).map(|p| (p, q.name.clone()))))
                .collect();
            list.sort_by_key(|(p, _)| std::cmp::Reverse(p.width()));
            list
        };
        Grammar {
            currency: rules.money.currency_symbols.iter().filter_map(|s| s.chars().next()).collect(),
            max_plain_decimals: rules.money.max_plain_decimals,
            min_spaced_scale_length: rules.money.min_spaced_scale_length,
            scales,
            percent_suffixes: Phrase::many(&rules.percent.suffixes),
            connectors: Phrase::many(&rules.range.connectors),
            between: Phrase::many(&rules.range.between),
            between_joiners: Phrase::many(&rules.range.between_joiners),
            change_words: Phrase::many(&rules.range.change_words),
            before_qualifiers: qualifiers(|q| &q.before),
            after_qualifiers: qualifiers(|q| &q.after),
            nouns: Phrase::many(&rules.counts.nouns),
            continuations: Phrase::many(&rules.counts.continuations),
            max_words_between: rules.counts.max_words_between,
            breakers: rules.counts.breakers.iter().map(|b| b.to_lowercase()).collect(),
            reference_words: Phrase::many(&rules.counts.reference_words),
            year_range: rules.counts.year_range,
            lead_ins: Phrase::many(&rules.counts.lead_in.phrases),
            links: Phrase::many(&rules.counts.lead_in.links),
            lead_in_max_words: rules.counts.lead_in.max_words,
        }
    }

    /// Every figure in `chars`, in text order, spans never overlapping.
    pub fn find(&self, chars: &[char]) -> Vec<Found> {
        let mut found = Vec::new();
        let mut pos = 0;
        while pos < chars.len() {
            let c = chars[pos];
            if self.currency.contains(&c) {
                match self.money_at(chars, pos) {
                    Some(figure) => {
                        pos = figure.end;
                        found.push(figure);
                    }
                    None => pos += 1,
                }
            } else if c.is_ascii_digit() && starts_number(chars, pos) {
                let number = scan_number(chars, pos);
                if let Some(figure) = self.percent_at(chars, &number).or_else(|| self.count_at(chars, &number)) {
                    pos = figure.end;
                    found.push(figure);
                } else {
                    pos = number.end;
                }
            } else {
                pos += 1;
            }
        }
        // `found` is in text order; a lead-in count is kept where it overlaps nothing.
        let mut lead_in = Vec::new();
        for figure in self.lead_in_counts(chars) {
            let index = found.partition_point(|f| f.end <= figure.start);
            if found.get(index).is_none_or(|f| f.start >= figure.end) {
                lead_in.push(figure);
            }
        }
        found.extend(lead_in);
        found.sort_by_key(|f| f.start);
        let mut previous_end = 0;
        for index in 0..found.len() {
            let next_start = found.get(index + 1).map_or(chars.len(), |f| f.start);
            self.add_qualifiers(chars, &mut found[index], previous_end, next_start);
            previous_end = found[index].end;
        }
        found
    }

    /// An amount starting with the currency symbol at `symbol`.
    fn money_at(&self, chars: &[char], symbol: usize) -> Option<Found> {
        let digits = skip_space(chars, symbol + 1);
        if digits >= chars.len() || !chars[digits].is_ascii_digit() {
            return None;
        }
        let low = scan_number(chars, digits);
        let (low_scale, low_end) = self.scale_after(chars, low.end);
        if chars.get(low_end).is_some_and(|&next| is_word_char(next)) {
            // `£000s` heads a column; `£5bnx` is not an amount either.
            return None;
        }
        if let Some((high, high_scale, high_end)) = self.money_range_end(chars, symbol, low_end, low_scale) {
            // `£2-3m`: a scale written once applies to both ends.
            let mut reading = Reading::default();
            let low_value = self.money_value(&low, low_scale.or(high_scale), &mut reading, chars);
            let high_value = self.money_value(&high, high_scale.or(low_scale), &mut reading, chars);
            if let (Some(low_value), Some(high_value)) = (low_value, high_value) {
                if high_value > low_value {
                    return Some(reading.into_found(
                        symbol,
                        high_end,
                        low_value,
                        Some(high_value),
                        FigureUnit::Gbp,
                        None,
                    ));
                }
            }
        }
        let mut reading = Reading::default();
        let value = self.money_value(&low, low_scale, &mut reading, chars)?;
        Some(reading.into_found(symbol, low_end, value, None, FigureUnit::Gbp, None))
    }

    /// The high end of a money range after the low end (ending at `low_end`).
    fn money_range_end(
        &self,
        chars: &[char],
        symbol: usize,
        low_end: usize,
        low_scale: Option<i32>,
    ) -> Option<(Number, Option<i32>, usize)> {
        let gap = skip_space(chars, low_end);
        let (connector, connector_end) = self.range_connector(chars, symbol, gap)?;
        let spaced = gap > low_end || skip_space(chars, connector_end) > connector_end || !connector.is_single_char();
        let mut digits = skip_space(chars, connector_end);
        let has_symbol = digits < chars.len() && self.currency.contains(&chars[digits]);
        if has_symbol {
            digits = skip_space(chars, digits + 1);
        }
        if digits >= chars.len() || !chars[digits].is_ascii_digit() {
            return None;
        }
        let high = scan_number(chars, digits);
        let (high_scale, high_end) = self.scale_after(chars, high.end);
        let compatible = match (low_scale, high_scale) {
            (Some(a), Some(b)) => a == b || has_symbol,
            _ => true,
        };
        if !compatible || !(has_symbol || high_scale.is_some() || !spaced) {
            return None;
        }
        Some((high, high_scale, high_end))
    }

    /// The connector at `at` between the ends of a range whose low end starts at
    /// `low_start`, and where it ends: `-` or `to`, or `and` after `between`; never
    /// a spelt-out connector after a change word (`from £5m to £7m`).
    fn range_connector(&self, chars: &[char], low_start: usize, at: usize) -> Option<(&Phrase, usize)> {
        let before = skip_space_back(chars, low_start);
        if first_match_ending_at(&self.between, chars, before).is_some() {
            if let Some(joiner) = first_match_at(&self.between_joiners, chars, at) {
                return Some(joiner);
            }
        }
        let (connector, end) = first_match_at(&self.connectors, chars, at)?;
        let spelt_out = connector.as_str().chars().any(char::is_alphabetic);
        if spelt_out && first_match_ending_at(&self.change_words, chars, before).is_some() {
            return None;
        }
        Some((connector, end))
    }

    /// The scale word after a number ending at `end`, and where it ends.
    fn scale_after(&self, chars: &[char], end: usize) -> (Option<i32>, usize) {
        for (phrase, exponent) in &self.scales {
            if let Some(scale_end) = phrase.match_attached(chars, end) {
                return (Some(*exponent), scale_end);
            }
        }
        let spaced = skip_space(chars, end);
        if spaced > end {
            for (phrase, exponent) in &self.scales {
                if phrase.width() < self.min_spaced_scale_length {
                    continue;
                }
                if let Some(scale_end) = phrase.match_at(chars, spaced) {
                    return (Some(*exponent), scale_end);
                }
            }
        }
        (None, end)
    }

    /// The value in pounds of `number` times ten to `exponent`, noting anything doubtful.
    fn money_value(
        &self,
        number: &Number,
        exponent: Option<i32>,
        reading: &mut Reading,
        chars: &[char],
    ) -> Option<f64> {
        let written = slice(chars, number.start, number.end);
        if let Some(value) = reading.check_grouping(number, &written) {
            return finite(value * 10f64.powi(exponent.unwrap_or(0)));
        }
        let exponent = exponent.unwrap_or(0);
        if exponent == 0 && number.comma_groups > 0 && number.fraction.len() == 3 {
            let value = to_value(&format!("{}{}", number.integer, number.fraction), "", 0)?;
            let decimal = to_value(&number.integer, &number.fraction[..2], 0)?;
            reading.flag(format!(
                "'{written}' has three digits after the decimal point; read as {} (a full stop typed for a \
                 comma) rather than {}",
                group_thousands(value),
                group_decimal(decimal)
            ));
            return Some(value);
        }
        if exponent == 0 && number.fraction.len() > self.max_plain_decimals {
            reading.flag(format!(
                "'{written}' has {} decimal places, more than an amount of money has",
                number.fraction.len()
            ));
        }
        to_value(&number.integer, &number.fraction, exponent)
    }

    /// A percentage or percentage range starting with `number`.
    fn percent_at(&self, chars: &[char], number: &Number) -> Option<Found> {
        let suffix_end = self.percent_suffix_after(chars, number.end);
        if let Some((high, high_end)) = self.percent_range_end(chars, number, suffix_end.unwrap_or(number.end)) {
            let mut reading = Reading::default();
            let low_value = reading.plain_value(number, chars);
            let high_value = reading.plain_value(&high, chars);
            if let (Some(low_value), Some(high_value)) = (low_value, high_value) {
                if high_value > low_value {
                    return Some(reading.into_found(
                        number.start,
                        high_end,
                        low_value,
                        Some(high_value),
                        FigureUnit::Percent,
                        None,
                    ));
                }
            }
        }
        let end = suffix_end?;
        let mut reading = Reading::default();
        let value = reading.plain_value(number, chars)?;
        Some(reading.into_found(number.start, end, value, None, FigureUnit::Percent, None))
    }

    /// The high end of a percentage range (`10-15%`, `10% to 15%`), and where it ends.
    fn percent_range_end(&self, chars: &[char], low: &Number, low_end: usize) -> Option<(Number, usize)> {
        let gap = skip_space(chars, low_end);
        let (_, connector_end) = self.range_connector(chars, low.start, gap)?;
        let digits = skip_space(chars, connector_end);
        if digits >= chars.len() || !chars[digits].is_ascii_digit() {
            return None;
        }
        let high = scan_number(chars, digits);
        let end = self.percent_suffix_after(chars, high.end)?;
        Some((high, end))
    }

    /// Where a percent sign or `per cent` after a number ending at `end` ends.
    fn percent_suffix_after(&self, chars: &[char], end: usize) -> Option<usize> {
        let spaced = skip_space(chars, end);
        self.percent_suffixes
            .iter()
            .find_map(|p| p.match_attached(chars, end).or_else(|| p.match_at(chars, spaced)))
            // `81%D8` is URL encoding, not a percentage.
            .filter(|&suffix_end| chars.get(suffix_end).is_none_or(|&next| !is_word_char(next)))
    }

    /// A count: `number` followed by a counted noun.
    fn count_at(&self, chars: &[char], number: &Number) -> Option<Found> {
        if !self.could_be_count(chars, number) {
            return None;
        }
        let (noun_start, noun_end) = self.noun_after(chars, number.end)?;
        let noun = slice(chars, noun_start, noun_end);
        let value = to_value(&number.integer, &number.fraction, 0)?;
        Some(Reading::default().into_found(number.start, noun_end, value, None, FigureUnit::Count, Some(noun)))
    }

    /// Whether a bare number may be a count at all: not a year, phone number,
    /// list or section number, reference or part of a longer token.
    fn could_be_count(&self, chars: &[char], number: &Number) -> bool {
        if number.irregular || number.dotted {
            return false;
        }
        if number.integer.len() > 1 && number.integer.starts_with('0') {
            return false;
        }
        if number.comma_groups == 0 && number.fraction.is_empty() && number.integer.len() == 4 {
            let year: u32 = number.integer.parse().unwrap_or(0);
            if (self.year_range[0]..=self.year_range[1]).contains(&year) {
                return false;
            }
        }
        if number.end >= chars.len() || !chars[number.end].is_whitespace() {
            return false;
        }
        let next = skip_space(chars, number.end);
        if next < chars.len() && chars[next].is_ascii_digit() {
            return false;
        }
        let previous = skip_space_back(chars, number.start);
        if previous > 0 && previous < number.start && chars[previous - 1].is_ascii_digit() {
            return false;
        }
        // Searched backwards so that it stops at the nearest word: linear overall.
        let at_unit_start = !chars[..number.start].iter().rev().any(|&c| is_word_char(c));
        if at_unit_start && !number.fraction.is_empty() {
            return false;
        }
        first_match_ending_at(&self.reference_words, chars, previous).is_none()
    }

    /// The counted noun after a number ending at `from`, with up to
    /// `max_words_between` words before it: where the noun phrase starts and ends.
    fn noun_after(&self, chars: &[char], from: usize) -> Option<(usize, usize)> {
        let phrase_start = skip_space(chars, from);
        let mut pos = from;
        for _ in 0..=self.max_words_between {
            let word_start = skip_space(chars, pos);
            if word_start == pos && pos != from {
                return None;
            }
            if let Some((_, mut noun_end)) = first_match_at(&self.nouns, chars, word_start) {
                while let Some((_, end)) = first_match_at(&self.continuations, chars, skip_space(chars, noun_end)) {
                    noun_end = end;
                }
                return Some((phrase_start, noun_end));
            }
            let word_end = word_end(chars, word_start);
            if word_end == word_start {
                return None;
            }
            let word = slice(chars, word_start, word_end).to_lowercase();
            if self.breakers.contains(&word) || word.chars().any(|c| c.is_ascii_digit()) {
                return None;
            }
            pos = word_end;
        }
        None
    }

    /// Counts written after their noun: "the number of agency workers ... is 18".
    fn lead_in_counts(&self, chars: &[char]) -> Vec<Found> {
        let mut found = Vec::new();
        let mut pos = 0;
        while pos < chars.len() {
            if !is_word_char(chars[pos]) || (pos > 0 && is_word_char(chars[pos - 1])) {
                pos += 1;
                continue;
            }
            let Some((_, lead_end)) = first_match_at(&self.lead_ins, chars, pos) else {
                pos += 1;
                continue;
            };
            pos = lead_end;
            let Some((noun_start, noun_end)) = self.noun_after(chars, lead_end) else {
                continue;
            };
            if let Some(figure) = self.linked_number(chars, noun_end, slice(chars, noun_start, noun_end)) {
                pos = figure.end;
                found.push(figure);
            }
        }
        found
    }

    /// The number after a link verb ("is 18") within the clause after a lead-in's noun.
    fn linked_number(&self, chars: &[char], from: usize, noun: String) -> Option<Found> {
        let mut pos = from;
        for _ in 0..=self.lead_in_max_words {
            let word_start = skip_space(chars, pos);
            if word_start >= chars.len() {
                return None;
            }
            let link = first_match_at(&self.links, chars, word_start);
            if link.is_none() && matches!(chars[word_start], '.' | ';' | ':' | '!' | '?') {
                return None;
            }
            if let Some((_, link_end)) = link {
                let digits = skip_space(chars, link_end);
                if digits > link_end && digits < chars.len() && chars[digits].is_ascii_digit() {
                    let number = scan_number(chars, digits);
                    let continues = |next: char| {
                        is_word_char(next)
                            || matches!(next, '/' | '%' | '(' | '-')
                            || (next == '.' && chars.get(number.end + 1).is_some_and(char::is_ascii_digit))
                    };
                    let ends_clause = chars.get(number.end).is_none_or(|&next| !continues(next));
                    let year = number.integer.len() == 4
                        && number
                            .integer
                            .parse::<u32>()
                            .is_ok_and(|y| (self.year_range[0]..=self.year_range[1]).contains(&y));
                    if ends_clause && !number.irregular && !number.dotted && !year {
                        let value = to_value(&number.integer, &number.fraction, 0)?;
                        return Some(Reading::default().into_found(
                            number.start,
                            number.end,
                            value,
                            None,
                            FigureUnit::Count,
                            Some(noun),
                        ));
                    }
                    return None;
                }
            }
            let end = word_end(chars, word_start);
            pos = if end > word_start { end } else { word_start + 1 };
        }
        None
    }

    /// Widens a figure over qualifier words right before and after it (never into
    /// a neighbour), and names them.
    fn add_qualifiers(&self, chars: &[char], figure: &mut Found, previous_end: usize, next_start: usize) {
        let mut qualifiers = Vec::new();
        for _ in 0..3 {
            let before = skip_space_back(chars, figure.start);
            if before == figure.start && !(before > 0 && chars[before - 1] == '.') {
                break;
            }
            let matched = self.before_qualifiers.iter().find_map(|(phrase, name)| {
                phrase.match_ending_at(chars, before).filter(|&s| s >= previous_end).map(|s| (s, name))
            });
            let Some((start, name)) = matched else { break };
            figure.start = start;
            qualifiers.insert(0, name.clone());
        }
        let after = skip_space(chars, figure.end);
        if after > figure.end {
            let matched = self.after_qualifiers.iter().find_map(|(phrase, name)| {
                phrase.match_at(chars, after).filter(|&e| e <= next_start).map(|e| (e, name))
            });
            if let Some((end, name)) = matched {
                figure.end = end;
                qualifiers.push(name.clone());
            }
        }
        if figure.high.is_some() {
            qualifiers.push(QUALIFIER_RANGE.to_string());
        }
        for name in qualifiers.into_iter().chain(std::mem::take(&mut figure.qualifiers)) {
            if !figure.qualifiers.contains(&name) {
                figure.qualifiers.push(name);
            }
        }
    }
}

/// Flags and notes gathered while reading one figure's numbers.
#[derive(Debug, Default)]
struct Reading {
    flags: Vec<String>,
    notes: Vec<String>,
}

impl Reading {
    fn flag(&mut self, note: String) {
        if !self.flags.iter().any(|f| f == FLAG_AMBIGUOUS) {
            self.flags.push(FLAG_AMBIGUOUS.to_string());
        }
        self.notes.push(note);
    }

    /// The value of a number whose digit groups are irregular or separated by full
    /// stops, read as one whole number and flagged; `None` for a regular number.
    fn check_grouping(&mut self, number: &Number, written: &str) -> Option<f64> {
        if !number.irregular && !number.dotted {
            return None;
        }
        let value = to_value(&number.integer, &number.fraction, 0)?;
        let how = if number.dotted { "full stops between groups of digits" } else { "irregular digit grouping" };
        self.flag(format!("'{written}' has {how}; read as {}", group_decimal(value)));
        Some(value)
    }

    /// The value of a number read as written (no scale), flagging odd grouping.
    fn plain_value(&mut self, number: &Number, chars: &[char]) -> Option<f64> {
        match self.check_grouping(number, &slice(chars, number.start, number.end)) {
            Some(value) => Some(value),
            None => to_value(&number.integer, &number.fraction, 0),
        }
    }

    fn into_found(
        self,
        start: usize,
        end: usize,
        value: f64,
        high: Option<f64>,
        unit: FigureUnit,
        noun: Option<String>,
    ) -> Found {
        let note = if self.notes.is_empty() { None } else { Some(self.notes.join("; ")) };
        Found { start, end, value, high, unit, noun, qualifiers: Vec::new(), flags: self.flags, note }
    }
}

/// A run of digits as written, with its separators understood.
#[derive(Debug, Clone, Default, PartialEq)]
struct Number {
    start: usize,
    end: usize,
    /// The digits before the decimal point (thousands separators removed).
    integer: String,
    /// The digits after the decimal point.
    fraction: String,
    /// How many `,ddd` groups the integer part has.
    comma_groups: usize,
    /// A comma group without exactly three digits (`1,00,000`, `3,20`).
    irregular: bool,
    /// Full stops used between groups of digits (`1.234.567`).
    dotted: bool,
}

/// Whether a number may start at `pos`: not inside a word, a decimal, a
/// reference (`PP/24`) or a range of digits (`2023-24`).
fn starts_number(chars: &[char], pos: usize) -> bool {
    if pos == 0 {
        return true;
    }
    let before = chars[pos - 1];
    // Numbers inside URLs, file names and codes (`%D8%81`, `?id=5`, `v2_3`) are not figures.
    if is_word_char(before) || matches!(before, '/' | '\\' | '_' | '#' | '&' | '%' | '=' | '?' | '@' | '~' | '^') {
        return false;
    }
    // `2.1`, `2023-24`, `COVID-19`, `Tel:01472`: the digits continue a token.
    let digit_before = pos >= 2 && chars[pos - 2].is_ascii_digit();
    let word_before = pos >= 2 && is_word_char(chars[pos - 2]);
    !((word_before && matches!(before, '-' | '–' | ':')) || (digit_before && matches!(before, '.' | ',')))
}

/// Reads the number starting at the digit at `start`.
fn scan_number(chars: &[char], start: usize) -> Number {
    let mut number = Number { start, ..Number::default() };
    let mut pos = digits(chars, start, &mut number.integer);
    while pos + 1 < chars.len() && chars[pos] == ',' && chars[pos + 1].is_ascii_digit() {
        let mut group = String::new();
        pos = digits(chars, pos + 1, &mut group);
        number.irregular |= group.len() != 3;
        number.comma_groups += 1;
        number.integer.push_str(&group);
    }
    if pos + 1 < chars.len() && chars[pos] == '.' && chars[pos + 1].is_ascii_digit() {
        let mut fraction = String::new();
        pos = digits(chars, pos + 1, &mut fraction);
        if pos + 1 < chars.len() && chars[pos] == '.' && chars[pos + 1].is_ascii_digit() && number.comma_groups == 0 {
            number.dotted = true;
            number.irregular |= fraction.len() != 3;
            number.integer.push_str(&fraction);
            while pos + 1 < chars.len() && chars[pos] == '.' && chars[pos + 1].is_ascii_digit() {
                let mut group = String::new();
                pos = digits(chars, pos + 1, &mut group);
                number.irregular |= group.len() != 3;
                number.integer.push_str(&group);
            }
        } else {
            number.fraction = fraction;
        }
    }
    number.end = pos;
    number
}

fn digits(chars: &[char], start: usize, into: &mut String) -> usize {
    let mut pos = start;
    while pos < chars.len() && chars[pos].is_ascii_digit() {
        into.push(chars[pos]);
        pos += 1;
    }
    pos
}

/// The end of the word starting at `start`: letters, digits and inner hyphens,
/// apostrophes and ampersands.
fn word_end(chars: &[char], start: usize) -> usize {
    let mut pos = start;
    while pos < chars.len() {
        let c = chars[pos];
        let joiner =
            matches!(c, '-' | '\'' | '’' | '&') && pos > start && chars.get(pos + 1).is_some_and(|&n| is_word_char(n));
        if !(is_word_char(c) || joiner) {
            break;
        }
        pos += 1;
    }
    pos
}

/// `integer.fraction × 10^exponent`, correctly rounded; `None` when not finite.
fn to_value(integer: &str, fraction: &str, exponent: i32) -> Option<f64> {
    let integer = if integer.is_empty() { "0" } else { integer };
    let shift = i64::from(exponent) - fraction.len() as i64;
    finite(format!("{integer}{fraction}e{shift}").parse::<f64>().ok()?)
}

fn finite(value: f64) -> Option<f64> {
    value.is_finite().then_some(value)
}

/// `3203453` as `3,203,453`.
fn group_thousands(value: f64) -> String {
    with_commas(&format!("{value:.0}"))
}

/// A string of digits with a comma before every group of three from the right.
fn with_commas(digits: &str) -> String {
    let mut out = String::new();
    for (index, digit) in digits.chars().enumerate() {
        if index > 0 && (digits.len() - index).is_multiple_of(3) {
            out.push(',');
        }
        out.push(digit);
    }
    out
}

/// `3203.45` as `3,203.45`; whole numbers without decimals.
fn group_decimal(value: f64) -> String {
    if value.fract() == 0.0 {
        return group_thousands(value);
    }
    let text = format!("{value:.2}");
    let (whole, cents) = text.split_once('.').unwrap_or((&text, "00"));
    let whole: f64 = whole.parse().unwrap_or(0.0);
    format!("{}.{cents}", group_thousands(whole))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn grammar() -> Grammar {
        Grammar::new(FigureRules::embedded().unwrap_or_else(|e| panic!("{e}")))
    }

    fn find(text: &str) -> Vec<(String, FigureUnit, f64, Option<f64>)> {
        let chars: Vec<char> = text.chars().collect();
        grammar().find(&chars).into_iter().map(|f| (slice(&chars, f.start, f.end), f.unit, f.value, f.high)).collect()
    }

    fn one(text: &str) -> Found {
        let chars: Vec<char> = text.chars().collect();
        let found = grammar().find(&chars);
        assert_eq!(found.len(), 1, "{text}: {found:?}");
        found.into_iter().next().unwrap_or_else(|| unreachable!())
    }

    fn money(text: &str) -> (f64, Option<f64>) {
        let figure = one(text);
        assert_eq!(figure.unit, FigureUnit::Gbp, "{text}");
        assert!(figure.flags.is_empty(), "{text}: {figure:?}");
        (figure.value, figure.high)
    }

    #[test]
    fn money_in_every_written_form_is_normalised_to_pounds() {
        assert_eq!(money("our total spend is £14.8m, of which"), (14_800_000.0, None));
        assert_eq!(money("costing £22.3k in total"), (22_300.0, None));
        assert_eq!(money("spend of £3,203,453."), (3_203_453.0, None));
        assert_eq!(money("a cumulative £1.4 million cashable efficiency"), (1_400_000.0, None));
        assert_eq!(money("a £4 billion gap"), (4_000_000_000.0, None));
        assert_eq!(money("a £4bn gap"), (4_000_000_000.0, None));
        assert_eq!(money("threshold to £200k, and"), (200_000.0, None));
        assert_eq!(money("a budget of £5M."), (5_000_000.0, None));
        assert_eq!(money("fees of £3.50 each"), (3.5, None));
        assert_eq!(money("fees of £ 12 each"), (12.0, None));
    }

    #[test]
    fn ranges_keep_both_ends() {
        assert_eq!(money("deliver between £250,000 - £500,000 per annum"), (250_000.0, Some(500_000.0)));
        assert_eq!(money("a gap of £2-3m next year"), (2_000_000.0, Some(3_000_000.0)));
        assert_eq!(money("a gap of £2m to £3.5m next year"), (2_000_000.0, Some(3_500_000.0)));
        assert_eq!(money("between £1m and £2m"), (1_000_000.0, Some(2_000_000.0)));
        assert_eq!(money("£1.2 to £1.5 million"), (1_200_000.0, Some(1_500_000.0)));
        let figure = one("deliver between £250,000 - £500,000 per annum cashable");
        assert_eq!(figure.qualifiers, ["range", "per_annum"]);
    }

    #[test]
    fn a_change_from_one_amount_to_another_is_two_figures() {
        let found = find("the budget rose from £5m to £7m and from 10% to 12%");
        let values: Vec<(f64, Option<f64>)> = found.iter().map(|f| (f.2, f.3)).collect();
        assert_eq!(values, [(5_000_000.0, None), (7_000_000.0, None), (10.0, None), (12.0, None)]);
    }

    #[test]
    fn a_dash_between_an_amount_and_another_number_is_not_a_range() {
        assert_eq!(
            find("costs £22.3k - 31 agency staff"),
            [
                ("£22.3k".to_string(), FigureUnit::Gbp, 22_300.0, None),
                ("31 agency staff".to_string(), FigureUnit::Count, 31.0, None)
            ]
        );
        assert_eq!(find("from £5m - £2m")[0], ("£5m".to_string(), FigureUnit::Gbp, 5_000_000.0, None));
    }

    #[test]
    fn qualifiers_next_to_a_figure_join_its_raw_text() {
        let figure = one("Cumulative social value is now over £440 million.");
        assert_eq!(figure.qualifiers, ["over"]);
        assert_eq!((figure.start, figure.end), (31, 48));
        assert_eq!(one("delivered approaching £3.9 million of benefits").qualifiers, ["approaching"]);
        assert_eq!(one("reliant at circa 18% of the workforce").qualifiers, ["circa"]);
        assert_eq!(one("spend around £2m per year").qualifiers, ["around", "per_annum"]);
        assert_eq!(one("savings of up to £1.2m").qualifiers, ["up_to"]);
        assert_eq!(one("a cumulative £1.4 million").qualifiers, ["cumulative"]);
        let figure = one("reliant at c.18% of the workforce");
        assert_eq!((figure.qualifiers.as_slice(), figure.start), (["circa".to_string()].as_slice(), 11));
    }

    #[test]
    fn a_full_stop_among_thousands_is_flagged_not_guessed_silently() {
        let figure = one("spend to end March 2024 has been £3,203.453. The number");
        assert_eq!(figure.value, 3_203_453.0);
        assert_eq!(figure.flags, [FLAG_AMBIGUOUS]);
        let note = figure.note.unwrap_or_default();
        assert!(note.contains("3,203,453") && note.contains("3,203.45"), "{note}");
    }

    #[test]
    fn other_malformed_numbers_are_flagged() {
        for text in ["£1,00,000 spent", "£1.234.567 spent", "£3.2035 spent", "£3,20 spent"] {
            let figure = one(text);
            assert_eq!(figure.flags, [FLAG_AMBIGUOUS], "{text}");
            assert!(figure.note.is_some(), "{text}");
        }
        assert_eq!(one("£1,00,000 spent").value, 100_000.0);
    }

    #[test]
    fn percentages_in_every_written_form() {
        for (text, value) in [
            ("just 0.19% of the total wage bill", 0.19),
            ("just 0.19 per cent of the total wage bill", 0.19),
            ("just 0.19 percent of the total wage bill", 0.19),
            ("just 0.19\u{a0}per\u{a0}cent of it", 0.19),
            ("We delivered 99% (£14.4m) of", 99.0),
            ("a vacancy factor of 5%.", 5.0),
        ] {
            let found = find(text);
            assert_eq!((found[0].1, found[0].2), (FigureUnit::Percent, value), "{text}");
        }
        assert_eq!(find("We delivered 99% (£14.4m) of")[1].2, 14_400_000.0);
        assert_eq!(one("between 10 and 15 per cent").high, Some(15.0));
        assert_eq!(one("a cut of 10-15% over").high, Some(15.0));
        assert_eq!(one("a cut of 10% to 15% over").high, Some(15.0));
    }

    #[test]
    fn counts_need_a_counted_noun() {
        let figure = one("In total, 31 agency and consultancy staff members have been contracted");
        assert_eq!((figure.value, figure.noun.as_deref()), (31.0, Some("agency and consultancy staff members")));
        assert_eq!(one("we engage 18 agency workers").noun.as_deref(), Some("agency workers"));
        assert_eq!(one("a reduction of 2,400 posts").value, 2_400.0);
        assert_eq!(one("we funded 12.5 FTE posts").value, 12.5);
        assert!(find("bringing back 5 Town Centre sites into use").is_empty());
        assert!(find("over the last 6 years, our staff").is_empty());
        assert!(find("it took 12 months for staff").is_empty());
    }

    #[test]
    fn counts_after_a_lead_in() {
        let figure = one("The number of agency workers more than 12 months placement is 18.");
        assert_eq!((figure.value, figure.noun.as_deref()), (18.0, Some("agency workers")));
        assert_eq!((figure.start, figure.end), (62, 64));
        assert!(find("The number of agency workers is 2024/25 data.").is_empty());
        assert!(find("The number of staff is growing. It was 18 last year.").is_empty());
    }

    #[test]
    fn years_dates_sections_phones_lists_and_references_are_never_figures() {
        for text in [
            "Productivity plan 2024/2025",
            "compared to 2013/14 and 2023/24 and 2024",
            "In 2024 staff were consulted",
            "2024 staff survey results",
            "Cabinet 16th April 2024 staff report",
            "On 16 April 2024 the Minister wrote to staff",
            "2.1 Staff costs rose",
            "2.1. The staff",
            "1) staff restructure",
            "1. Staff restructure",
            "Call 01472 313131 staff line",
            "Tel: 01472 313 131",
            "Standing Order 25(2) applies",
            "Standing Order 25 staff",
            "See paragraph 4 staff",
            "item 571, report PP/24/04 staff",
            "Ward 5 staff",
            "Item 571 Productivity Plan",
            "see section 3.2 and appendix 4",
            "between 2023-24 staff",
            "the COVID-19 staff testing programme",
            "Tel:01472 staff line",
            "junction 25 staff car park",
            "Agreement No.5 staff",
        ] {
            assert_eq!(find(text), [], "{text}");
        }
    }

    #[test]
    fn url_encoding_and_column_units_are_not_figures() {
        for text in [
            "http://example.org/article/164913/%D8%A7%D9%81%D8%A7 page",
            "https://example.org/?share=20%25",
            "Budget £000s by service",
            "a file named report_2024_5%.pdf",
        ] {
            assert_eq!(find(text), [], "{text}");
        }
    }

    #[test]
    fn spans_are_character_offsets() {
        let text = "“Équipe” costs £1m — and 5% more";
        let chars: Vec<char> = text.chars().collect();
        let found = grammar().find(&chars);
        assert_eq!(found.iter().map(|f| slice(&chars, f.start, f.end)).collect::<Vec<_>>(), ["£1m", "5%"]);
        assert_eq!((found[0].start, found[0].end), (15, 18));
    }
}

#[cfg(test)]
mod properties {
    use super::*;
    use proptest::prelude::*;

    fn grammar() -> Grammar {
        Grammar::new(FigureRules::embedded().unwrap_or_else(|e| panic!("{e}")))
    }

    /// `units` hundredths scaled by ten to `exponent`, written with that many
    /// decimal places trimmed of trailing zeros.
    fn decimal(units: u64, places: usize) -> String {
        let text = format!("{units:0>width$}", width = places + 1);
        let (whole, fraction) = text.split_at(text.len() - places);
        let fraction = fraction.trim_end_matches('0');
        if fraction.is_empty() {
            with_commas(whole)
        } else {
            format!("{}.{fraction}", with_commas(whole))
        }
    }

    fn close(a: f64, b: f64) -> bool {
        (a - b).abs() <= b.abs() * 1e-12
    }

    const CONTEXT: &str = "[a-zA-Z ,;()]{0,20}";

    proptest! {
        #[test]
        fn money_round_trips_in_many_styles(
            pence in 0u64..100_000_000_000_000,
            style in 0usize..8,
            space in prop::sample::select(vec!["", " ", "\u{a0}"]),
            before in CONTEXT,
            after in CONTEXT,
        ) {
            // A context that opens with a scale word ("£1 mn ...") legitimately scales the amount.
            let first_word: String = after.trim_start().chars().take_while(|c| c.is_alphabetic()).collect::<String>().to_lowercase();
            prop_assume!(!["mn", "million", "millions", "bn", "billion", "billions", "thousand"].contains(&first_word.as_str()));
            let pounds = pence as f64 / 100.0;
            let (written, expected) = match style {
                0 => (format!("£{}", pence / 100), (pence / 100) as f64),
                1 => (format!("£{}", with_commas(&(pence / 100).to_string())), (pence / 100) as f64),
                2 => (format!("£{}", decimal(pence, 2)), pounds),
                3 => (format!("£{}m", decimal(pence / 10_000, 4)), (pence / 10_000) as f64 * 100.0),
                4 => (format!("£{}{space}million", decimal(pence / 100_000, 3)), (pence / 100_000) as f64 * 1_000.0),
                5 => (format!("£{}k", decimal(pence / 10, 1)), (pence / 10) as f64 * 100.0),
                6 => (format!("£{}bn", decimal(pence / 100_000_000, 0)), (pence / 100_000_000) as f64 * 1e9),
                _ => (format!("£{space}{}{space}billion", decimal(pence / 1_000_000, 2)), (pence / 1_000_000) as f64 * 1e7),
            };
            let text = format!("{before} {written} {after}");
            let chars: Vec<char> = text.chars().collect();
            let found = grammar().find(&chars);
            let money: Vec<&Found> = found.iter().filter(|f| f.unit == FigureUnit::Gbp).collect();
            prop_assert_eq!(money.len(), 1, "{}: {:?}", text, found);
            prop_assert!(close(money[0].value, expected), "{}: {} != {}", text, money[0].value, expected);
            prop_assert!(money[0].flags.is_empty(), "{}: {:?}", text, money[0]);
            prop_assert!(slice(&chars, money[0].start, money[0].end).contains(written.trim_end()));
        }

        #[test]
        fn percentages_round_trip(
            hundredths in 0u64..10_000_000,
            suffix in prop::sample::select(vec!["%", " %", " per cent", " percent", "\u{a0}per cent", " Per Cent"]),
            before in CONTEXT,
            after in "[a-zA-Z ,;]{0,20}",
        ) {
            // A context that opens with a qualifier ("18% pa") rightly joins the figure's span.
            let first_word: String = after.trim_start().chars().take_while(|c| c.is_alphabetic()).collect::<String>().to_lowercase();
            prop_assume!(!["pa", "per", "a", "each", "annually", "every"].contains(&first_word.as_str()));
            let written = format!("{}{suffix}", decimal(hundredths, 2));
            let text = format!("{before} {written} {after}");
            let chars: Vec<char> = text.chars().collect();
            let found = grammar().find(&chars);
            prop_assert_eq!(found.len(), 1, "{}: {:?}", text, found);
            prop_assert_eq!(found[0].unit, FigureUnit::Percent);
            prop_assert!(close(found[0].value, hundredths as f64 / 100.0), "{}: {}", text, found[0].value);
            prop_assert_eq!(slice(&chars, found[0].start, found[0].end), written);
        }

        #[test]
        fn money_ranges_round_trip(low in 1u64..1_000_000, extra in 1u64..1_000_000, dash in prop::sample::select(vec!["-", " - ", "–", " – ", " to "])) {
            let text = format!("between £{} {dash} £{} a year", with_commas(&low.to_string()), with_commas(&(low + extra).to_string()));
            let text = text.replace("  ", " ");
            let chars: Vec<char> = text.chars().collect();
            let found = grammar().find(&chars);
            prop_assert_eq!(found.len(), 1, "{}: {:?}", text, found);
            prop_assert_eq!((found[0].value, found[0].high), (low as f64, Some((low + extra) as f64)));
        }

        #[test]
        fn counts_round_trip_and_years_never_count(
            count in 1u64..1_000_000,
            noun in prop::sample::select(vec!["staff", "agency workers", "FTE", "posts", "contracts", "interims"]),
            year in 1900u64..2100,
        ) {
            let text = format!("In {year} we had {} {noun} in post.", with_commas(&count.to_string()));
            let chars: Vec<char> = text.chars().collect();
            let found = grammar().find(&chars);
            prop_assert_eq!(found.len(), 1, "{}: {:?}", text, found);
            prop_assert_eq!((found[0].unit, found[0].value), (FigureUnit::Count, count as f64));
            let expected_noun = format!("{noun} in post");
            prop_assert_eq!(found[0].noun.as_deref(), Some(expected_noun.as_str()));
        }

        #[test]
        fn no_panic_and_spans_hold_on_figure_like_text(text in "[0-9£%.,:/()\\- a-zA-Z\u{a0}–]{0,80}") {
            check_invariants(&text)?;
        }

        #[test]
        fn no_panic_on_any_string(text in any::<String>()) {
            check_invariants(&text)?;
        }
    }

    fn check_invariants(text: &str) -> Result<(), TestCaseError> {
        let chars: Vec<char> = text.chars().collect();
        let found = grammar().find(&chars);
        let mut previous_end = 0;
        for figure in &found {
            prop_assert!(figure.start < figure.end && figure.end <= chars.len(), "{:?}", figure);
            prop_assert!(figure.start >= previous_end, "overlap in {:?}: {:?}", text, found);
            prop_assert!(figure.value.is_finite() && figure.value >= 0.0);
            prop_assert!(figure.high.is_none_or(|h| h > figure.value));
            prop_assert_eq!(figure.flags.is_empty(), figure.note.is_none());
            prop_assert!(chars[figure.start..figure.end].iter().any(char::is_ascii_digit));
            previous_end = figure.end;
        }
        Ok(())
    }
}
