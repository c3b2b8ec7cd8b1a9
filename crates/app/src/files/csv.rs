//! A streaming CSV reader (RFC 4180: commas, double quotes, `""` inside quotes, line breaks
//! inside quoted fields) that tolerates what spreadsheets write: a UTF-8 byte-order mark and
//! CRLF line endings. Each record carries the line it starts on, for error messages.

use std::io::BufRead;

/// One record and the (1-based) line it starts on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct CsvRecord {
    pub line: usize,
    pub fields: Vec<String>,
}

/// A record that cannot be read, with the line it starts on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct CsvError {
    pub line: usize,
    pub message: String,
}

pub(crate) struct CsvReader<R> {
    input: R,
    /// Lines consumed so far.
    line: usize,
    raw: Vec<u8>,
}

/// Longest record accepted: a broken quote must not swallow a whole file into memory.
const MAX_RECORD_BYTES: usize = 1 << 20;

impl<R: BufRead> CsvReader<R> {
    pub(crate) fn new(input: R) -> Self {
        CsvReader {
            input,
            line: 0,
            raw: Vec::new(),
        }
    }

    /// Reads one physical line without its line ending; `None` at the end of input.
    fn read_line(&mut self) -> std::io::Result<Option<String>> {
        self.raw.clear();
        if self.input.read_until(b'\n', &mut self.raw)? == 0 {
            return Ok(None);
        }
        self.line += 1;
        if self.raw.last() == Some(&b'\n') {
            self.raw.pop();
        }
        if self.raw.last() == Some(&b'\r') {
            self.raw.pop();
        }
        let mut bytes: &[u8] = &self.raw;
        if self.line == 1 {
            bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
        }
        match std::str::from_utf8(bytes) {
            Ok(s) => Ok(Some(s.to_owned())),
            Err(_) => Err(std::io::Error::new(
                std::io::ErrorKind::InvalidData,
                "not valid UTF-8",
            )),
        }
    }

    /// The next record; blank lines are skipped. An I/O failure other than bad UTF-8 ends the
    /// input with an error on line 0.
    pub(crate) fn next_record(&mut self) -> Option<Result<CsvRecord, CsvError>> {
        loop {
            let line = match self.read_line() {
                Ok(None) => return None,
                Ok(Some(l)) => l,
                Err(e) if e.kind() == std::io::ErrorKind::InvalidData => {
                    return Some(Err(CsvError {
                        line: self.line,
                        message: "the line is not valid UTF-8".into(),
                    }));
                }
                Err(e) => {
                    return Some(Err(CsvError {
                        line: 0,
                        message: format!("cannot read the input: {e}"),
                    }));
                }
            };
            if line.trim().is_empty() {
                continue;
            }
            return Some(self.parse_from(line));
        }
    }

    fn parse_from(&mut self, first: String) -> Result<CsvRecord, CsvError> {
        let start = self.line;
        let err = |message: &str| CsvError {
            line: start,
            message: message.to_owned(),
        };
        let mut fields = Vec::new();
        let mut field = String::new();
        let mut text = first;
        let mut total = text.len();
        // States: at the start of a field, in an unquoted field, in a quoted field, just after
        // a closing quote.
        #[derive(PartialEq)]
        enum S {
            Start,
            Plain,
            Quoted,
            AfterQuote,
        }
        let mut state = S::Start;
        loop {
            let mut chars = text.chars().peekable();
            while let Some(c) = chars.next() {
                match state {
                    S::Start | S::Plain if c == ',' => {
                        fields.push(std::mem::take(&mut field));
                        state = S::Start;
                    }
                    S::Start if c == '"' => state = S::Quoted,
                    S::Plain if c == '"' => {
                        return Err(err("a double quote inside an unquoted field"));
                    }
                    S::Start | S::Plain => {
                        field.push(c);
                        state = S::Plain;
                    }
                    S::Quoted if c == '"' => {
                        if chars.peek() == Some(&'"') {
                            chars.next();
                            field.push('"');
                        } else {
                            state = S::AfterQuote;
                        }
                    }
                    S::Quoted => field.push(c),
                    S::AfterQuote if c == ',' => {
                        fields.push(std::mem::take(&mut field));
                        state = S::Start;
                    }
                    S::AfterQuote => {
                        return Err(err("text after a closing double quote"));
                    }
                }
            }
            if state != S::Quoted {
                fields.push(field);
                return Ok(CsvRecord {
                    line: start,
                    fields,
                });
            }
            // A line break inside quotes belongs to the field.
            match self.read_line() {
                Ok(Some(next)) => {
                    total += next.len() + 1;
                    if total > MAX_RECORD_BYTES {
                        return Err(err("a quoted field runs past 1 MiB (an unclosed quote?)"));
                    }
                    field.push('\n');
                    text = next;
                }
                Ok(None) => return Err(err("a quoted field is not closed")),
                Err(_) => return Err(err("the line is not valid UTF-8")),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(text: &[u8]) -> Vec<Result<CsvRecord, CsvError>> {
        let mut r = CsvReader::new(text);
        std::iter::from_fn(|| r.next_record()).collect()
    }

    fn rec(line: usize, fields: &[&str]) -> Result<CsvRecord, CsvError> {
        Ok(CsvRecord {
            line,
            fields: fields.iter().map(|s| (*s).to_owned()).collect(),
        })
    }

    #[test]
    fn bom_crlf_quotes_and_line_breaks_in_fields() {
        let got =
            read(b"\xEF\xBB\xBFa,b,c\r\n1,\"x, \"\"y\"\"\",\r\n\r\n2,\"two\r\nlines\",z\r\n3,,");
        assert_eq!(
            got,
            vec![
                rec(1, &["a", "b", "c"]),
                rec(2, &["1", "x, \"y\"", ""]),
                rec(4, &["2", "two\nlines", "z"]),
                rec(6, &["3", "", ""]),
            ]
        );
    }

    #[test]
    fn broken_records_name_their_line_and_reading_goes_on() {
        let got = read(b"h\nab\"c\n\"x\"y\nok\n\xFF\xFE\nlast\n\"open\n");
        assert_eq!(got[0], rec(1, &["h"]));
        assert_eq!(got[1].as_ref().unwrap_err().line, 2);
        assert_eq!(got[2].as_ref().unwrap_err().line, 3);
        assert_eq!(got[3], rec(4, &["ok"]));
        assert_eq!(got[4].as_ref().unwrap_err().line, 5);
        assert_eq!(got[5], rec(6, &["last"]));
        assert_eq!(
            got[6].as_ref().unwrap_err(),
            &CsvError {
                line: 7,
                message: "a quoted field is not closed".into()
            }
        );
        assert_eq!(got.len(), 7);
    }
}
