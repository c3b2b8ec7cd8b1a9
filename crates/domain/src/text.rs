//! Vietnamese text helpers.
//!
//! Users search without typing diacritics ("dang ky khai sinh" must find "Đăng ký khai sinh"),
//! so searchable text is stored in a folded form next to the original and queries are folded the
//! same way. Folding is done here, not in SQL, so that SQLite and PostgreSQL behave identically.

/// Lower-cases and strips Vietnamese diacritics (and collapses runs of whitespace).
///
/// `fold("Đăng ký  KHAI SINH")` is `"dang ky khai sinh"`.
pub fn fold(input: &str) -> String {
    let mut out = String::with_capacity(input.len());
    let mut last_space = true;
    for ch in input.chars() {
        let base = fold_char(ch);
        if base.is_whitespace() {
            if !last_space {
                out.push(' ');
                last_space = true;
            }
            continue;
        }
        for lower in base.to_lowercase() {
            out.push(lower);
        }
        last_space = false;
    }
    if out.ends_with(' ') {
        out.pop();
    }
    out
}

/// Maps one character to its letter without tone or vowel marks.
fn fold_char(ch: char) -> char {
    match ch {
        'à' | 'á' | 'ả' | 'ã' | 'ạ' | 'ă' | 'ằ' | 'ắ' | 'ẳ' | 'ẵ' | 'ặ' | 'â' | 'ầ' | 'ấ' | 'ẩ'
        | 'ẫ' | 'ậ' => 'a',
        'À' | 'Á' | 'Ả' | 'Ã' | 'Ạ' | 'Ă' | 'Ằ' | 'Ắ' | 'Ẳ' | 'Ẵ' | 'Ặ' | 'Â' | 'Ầ' | 'Ấ' | 'Ẩ'
        | 'Ẫ' | 'Ậ' => 'a',
        'è' | 'é' | 'ẻ' | 'ẽ' | 'ẹ' | 'ê' | 'ề' | 'ế' | 'ể' | 'ễ' | 'ệ' => 'e',
        'È' | 'É' | 'Ẻ' | 'Ẽ' | 'Ẹ' | 'Ê' | 'Ề' | 'Ế' | 'Ể' | 'Ễ' | 'Ệ' => 'e',
        'ì' | 'í' | 'ỉ' | 'ĩ' | 'ị' | 'Ì' | 'Í' | 'Ỉ' | 'Ĩ' | 'Ị' => 'i',
        'ò' | 'ó' | 'ỏ' | 'õ' | 'ọ' | 'ô' | 'ồ' | 'ố' | 'ổ' | 'ỗ' | 'ộ' | 'ơ' | 'ờ' | 'ớ' | 'ở'
        | 'ỡ' | 'ợ' => 'o',
        'Ò' | 'Ó' | 'Ỏ' | 'Õ' | 'Ọ' | 'Ô' | 'Ồ' | 'Ố' | 'Ổ' | 'Ỗ' | 'Ộ' | 'Ơ' | 'Ờ' | 'Ớ' | 'Ở'
        | 'Ỡ' | 'Ợ' => 'o',
        'ù' | 'ú' | 'ủ' | 'ũ' | 'ụ' | 'ư' | 'ừ' | 'ứ' | 'ử' | 'ữ' | 'ự' => 'u',
        'Ù' | 'Ú' | 'Ủ' | 'Ũ' | 'Ụ' | 'Ư' | 'Ừ' | 'Ứ' | 'Ử' | 'Ữ' | 'Ự' => 'u',
        'ỳ' | 'ý' | 'ỷ' | 'ỹ' | 'ỵ' | 'Ỳ' | 'Ý' | 'Ỷ' | 'Ỹ' | 'Ỵ' => 'y',
        'đ' | 'Đ' => 'd',
        // Combining marks left over from decomposed (NFD) input.
        '\u{0300}'..='\u{036F}' => '\u{0}',
        other => other,
    }
}

/// Folds a search query and escapes the LIKE metacharacters so user input is matched literally.
/// The result is meant for `folded_column LIKE '%' || $1 || '%' ESCAPE '\'`.
pub fn like_pattern(query: &str) -> String {
    let folded = fold(query);
    let mut out = String::with_capacity(folded.len() + 2);
    for ch in folded.chars() {
        if matches!(ch, '%' | '_' | '\\') {
            out.push('\\');
        }
        if ch != '\u{0}' {
            out.push(ch);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folds_vietnamese_names_to_plain_ascii() {
        assert_eq!(fold("Đăng ký khai sinh"), "dang ky khai sinh");
        assert_eq!(
            fold("Chứng thực bản sao từ bản chính"),
            "chung thuc ban sao tu ban chinh"
        );
        assert_eq!(
            fold("  Cấp   GIẤY phép xây dựng "),
            "cap giay phep xay dung"
        );
        assert_eq!(fold("Hộ tịch"), "ho tich");
    }

    #[test]
    fn decomposed_input_folds_like_composed_input() {
        // "ký" written as k + y + combining acute accent.
        let decomposed = "dang ky\u{0301}";
        assert_eq!(like_pattern(decomposed), "dang ky");
    }

    #[test]
    fn like_metacharacters_are_escaped() {
        assert_eq!(like_pattern("100%_x\\"), "100\\%\\_x\\\\");
    }
}
