//! Languages' names in English and in themselves, for the list of locales.

/// (language subtag, English name, native name).
const LANGUAGES: &[(&str, &str, &str)] = &[
    ("ar", "Arabic", "العربية"),
    ("bg", "Bulgarian", "Български"),
    ("ca", "Catalan", "Català"),
    ("cs", "Czech", "Čeština"),
    ("da", "Danish", "Dansk"),
    ("de", "German", "Deutsch"),
    ("el", "Greek", "Ελληνικά"),
    ("en", "English", "English"),
    ("es", "Spanish", "Español"),
    ("et", "Estonian", "Eesti"),
    ("fa", "Persian", "فارسی"),
    ("fi", "Finnish", "Suomi"),
    ("fr", "French", "Français"),
    ("he", "Hebrew", "עברית"),
    ("hi", "Hindi", "हिन्दी"),
    ("hr", "Croatian", "Hrvatski"),
    ("hu", "Hungarian", "Magyar"),
    ("id", "Indonesian", "Bahasa Indonesia"),
    ("it", "Italian", "Italiano"),
    ("ja", "Japanese", "日本語"),
    ("ko", "Korean", "한국어"),
    ("lt", "Lithuanian", "Lietuvių"),
    ("lv", "Latvian", "Latviešu"),
    ("nb", "Norwegian Bokmål", "Norsk bokmål"),
    ("nl", "Dutch", "Nederlands"),
    ("pl", "Polish", "Polski"),
    ("pt", "Portuguese", "Português"),
    ("ro", "Romanian", "Română"),
    ("ru", "Russian", "Русский"),
    ("sk", "Slovak", "Slovenčina"),
    ("sl", "Slovenian", "Slovenščina"),
    ("sr", "Serbian", "Српски"),
    ("sv", "Swedish", "Svenska"),
    ("th", "Thai", "ไทย"),
    ("tr", "Turkish", "Türkçe"),
    ("uk", "Ukrainian", "Українська"),
    ("vi", "Vietnamese", "Tiếng Việt"),
    ("zh", "Chinese", "中文"),
];

/// (region subtag, English name, native name in the languages we ship).
const REGIONS: &[(&str, &str, &str)] = &[
    ("BR", "Brazil", "Brasil"),
    ("PT", "Portugal", "Portugal"),
    ("US", "United States", "United States"),
    ("GB", "United Kingdom", "United Kingdom"),
    ("MX", "Mexico", "México"),
    ("CA", "Canada", "Canada"),
    ("CH", "Switzerland", "Schweiz"),
    ("AT", "Austria", "Österreich"),
    ("TW", "Taiwan", "台灣"),
    ("CN", "China", "中国"),
];

/// The English and native names of a tag: `pt-BR` -> ("Portuguese (Brazil)", "Português
/// (Brasil)"); a language we have no name for is named by its tag.
pub fn names(tag: &str) -> (String, String) {
    let language = crate::tag::language(tag);
    let Some((_, en, native)) = LANGUAGES.iter().find(|(l, _, _)| *l == language) else {
        return (tag.to_string(), tag.to_string());
    };
    let region = tag
        .split('-')
        .skip(1)
        .find(|s| s.len() == 2 || s.len() == 3 && s.chars().all(|c| c.is_ascii_digit()));
    match region {
        None => (en.to_string(), native.to_string()),
        Some(r) => match REGIONS.iter().find(|(code, _, _)| *code == r) {
            Some((_, ren, rnative)) => (format!("{en} ({ren})"), format!("{native} ({rnative})")),
            None => (format!("{en} ({r})"), format!("{native} ({r})")),
        },
    }
}
