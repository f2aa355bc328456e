//! `$filter`: a parser and evaluator for the subset of SuperOffice's
//! archive restrictions a connector uses.
//!
//! Grammar: `expr := term (("and" | "or") term)*` (`and` binds tighter),
//! `term := "(" expr ")" | function | column operator operand?`, where an
//! operand is a literal (`'text'`, `42`) or a parenthesised list
//! (`oneOf(1,2)`). Functions: `startswith(col,'x')`, `endswith(col,'x')`,
//! `substringof('x',col)`.
//!
//! Date operators compare instants: `after`, `afterTime` and `gt` all mean
//! "strictly later than the literal" (a bare date is its midnight, UTC).
//! SuperOffice's `after` may compare whole days; the sandbox keeps the
//! simpler rule and documents it here.

use crate::respond::ApiError;

/// A parsed filter.
#[derive(Debug, Clone, PartialEq)]
pub enum Filter {
    /// Both hold.
    And(Box<Filter>, Box<Filter>),
    /// Either holds.
    Or(Box<Filter>, Box<Filter>),
    /// `column operator operands`.
    Compare {
        column: String,
        operator: String,
        operands: Vec<Literal>,
    },
}

/// A literal of a filter.
#[derive(Debug, Clone, PartialEq)]
pub enum Literal {
    /// `'text'` (or an encoded value like `'[I:7]'`).
    Text(String),
    /// `42`.
    Number(f64),
}

#[derive(Debug, Clone, PartialEq)]
enum Token {
    Word(String),
    Text(String),
    Number(f64),
    Symbol(String),
    Open,
    Close,
    Comma,
}

fn bad(message: impl Into<String>) -> ApiError {
    ApiError::bad_request(format!("$filter: {}", message.into()))
}

fn tokenize(input: &str) -> Result<Vec<Token>, ApiError> {
    let chars: Vec<char> = input.chars().collect();
    let mut tokens = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if c.is_whitespace() {
            i += 1;
        } else if c == '(' || c == ')' || c == ',' {
            tokens.push(match c {
                '(' => Token::Open,
                ')' => Token::Close,
                _ => Token::Comma,
            });
            i += 1;
        } else if c == '\'' {
            // Quotes inside a literal are doubled: 'O''Neil'.
            let mut text = String::new();
            i += 1;
            loop {
                match (chars.get(i), chars.get(i + 1)) {
                    (Some('\''), Some('\'')) => {
                        text.push('\'');
                        i += 2;
                    }
                    (Some('\''), _) => break,
                    (Some(other), _) => {
                        text.push(*other);
                        i += 1;
                    }
                    (None, _) => return Err(bad("unterminated string literal")),
                }
            }
            i += 1;
            tokens.push(Token::Text(text));
        } else if "=<>!".contains(c) {
            let mut symbol = c.to_string();
            if let Some(next) = chars.get(i + 1).filter(|n| "=>".contains(**n)) {
                symbol.push(*next);
            }
            i += symbol.len();
            tokens.push(Token::Symbol(symbol));
        } else if c.is_ascii_digit()
            || (c == '-' && chars.get(i + 1).is_some_and(char::is_ascii_digit))
        {
            let start = i;
            i += 1;
            while i < chars.len() && (chars[i].is_ascii_digit() || chars[i] == '.') {
                i += 1;
            }
            let text: String = chars[start..i].iter().collect();
            tokens.push(Token::Number(
                text.parse()
                    .map_err(|_| bad(format!("bad number {text}")))?,
            ));
        } else if c.is_alphanumeric() || "_/.:".contains(c) {
            let start = i;
            while i < chars.len() && (chars[i].is_alphanumeric() || "_/.:".contains(chars[i])) {
                i += 1;
            }
            tokens.push(Token::Word(chars[start..i].iter().collect()));
        } else {
            return Err(bad(format!("unexpected character {c:?}")));
        }
    }
    Ok(tokens)
}

/// Parses a `$filter` value.
pub fn parse(input: &str) -> Result<Filter, ApiError> {
    let tokens = tokenize(input)?;
    let mut parser = Parser { tokens, at: 0 };
    let filter = parser.or()?;
    if parser.at != parser.tokens.len() {
        return Err(bad(format!("unexpected {:?}", parser.tokens[parser.at])));
    }
    Ok(filter)
}

struct Parser {
    tokens: Vec<Token>,
    at: usize,
}

impl Parser {
    fn peek(&self) -> Option<&Token> {
        self.tokens.get(self.at)
    }

    fn next(&mut self) -> Option<Token> {
        let token = self.tokens.get(self.at).cloned();
        self.at += 1;
        token
    }

    fn keyword(&mut self, word: &str) -> bool {
        let found = matches!(self.peek(), Some(Token::Word(w)) if w.eq_ignore_ascii_case(word));
        if found {
            self.at += 1;
        }
        found
    }

    fn or(&mut self) -> Result<Filter, ApiError> {
        let mut left = self.and()?;
        while self.keyword("or") {
            left = Filter::Or(Box::new(left), Box::new(self.and()?));
        }
        Ok(left)
    }

    fn and(&mut self) -> Result<Filter, ApiError> {
        let mut left = self.term()?;
        while self.keyword("and") {
            left = Filter::And(Box::new(left), Box::new(self.term()?));
        }
        Ok(left)
    }

    fn term(&mut self) -> Result<Filter, ApiError> {
        match self.next() {
            Some(Token::Open) => {
                let inner = self.or()?;
                match self.next() {
                    Some(Token::Close) => Ok(inner),
                    _ => Err(bad("missing )")),
                }
            }
            Some(Token::Word(word)) if self.peek() == Some(&Token::Open) => self.function(word),
            Some(Token::Word(column)) => {
                let operator = match self.next() {
                    Some(Token::Word(op)) | Some(Token::Symbol(op)) => op,
                    other => return Err(bad(format!("expected an operator, got {other:?}"))),
                };
                let operands = self.operands()?;
                Ok(Filter::Compare {
                    column,
                    operator: operator.to_lowercase(),
                    operands,
                })
            }
            other => Err(bad(format!("expected a column, got {other:?}"))),
        }
    }

    /// `startswith(col,'x')`, `endswith(col,'x')`, `substringof('x',col)`.
    fn function(&mut self, name: String) -> Result<Filter, ApiError> {
        self.next();
        let first = self.next();
        if self.next() != Some(Token::Comma) {
            return Err(bad(format!("{name}: expected two arguments")));
        }
        let second = self.next();
        if self.next() != Some(Token::Close) {
            return Err(bad(format!("{name}: missing )")));
        }
        let (column, value) = match (name.to_lowercase().as_str(), first, second) {
            ("substringof", Some(Token::Text(v)), Some(Token::Word(c))) => (c, v),
            ("startswith" | "endswith", Some(Token::Word(c)), Some(Token::Text(v))) => (c, v),
            _ => return Err(bad(format!("{name}: unsupported arguments"))),
        };
        let operator = match name.to_lowercase().as_str() {
            "substringof" => "contains",
            "startswith" => "begins",
            _ => "ends",
        };
        Ok(Filter::Compare {
            column,
            operator: operator.to_owned(),
            operands: vec![Literal::Text(value)],
        })
    }

    fn operands(&mut self) -> Result<Vec<Literal>, ApiError> {
        match self.peek() {
            Some(Token::Text(_) | Token::Number(_)) => Ok(vec![literal(self.next())?]),
            Some(Token::Open) => {
                self.next();
                let mut values = Vec::new();
                loop {
                    match self.peek() {
                        Some(Token::Close) => {
                            self.next();
                            return Ok(values);
                        }
                        Some(Token::Comma) => {
                            self.next();
                        }
                        _ => values.push(literal(self.next())?),
                    }
                }
            }
            // Operators without operand (`set`, `today`) and bare words.
            Some(Token::Word(w)) if !["and", "or"].contains(&w.to_lowercase().as_str()) => {
                Ok(vec![Literal::Text(w.clone())]).inspect(|_| self.at += 1)
            }
            _ => Ok(Vec::new()),
        }
    }
}

fn literal(token: Option<Token>) -> Result<Literal, ApiError> {
    match token {
        Some(Token::Text(text)) => Ok(Literal::Text(text)),
        Some(Token::Number(number)) => Ok(Literal::Number(number)),
        other => Err(bad(format!("expected a value, got {other:?}"))),
    }
}
