//! Locale parity: every locale has every key, every rule's explanation exists in every locale,
//! every message resolves, and each Chinese locale is written in its own script.

use std::collections::BTreeSet;
use std::path::Path;

use scamguard::engine::Engine;
use scamguard::i18n::{Arg, Catalog, EMBEDDED, Lang, RULE_SECTION_MARKER, UI_KEYS};

fn repo(p: &str) -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(p)
}

#[test]
fn shipped_locales_load_with_parity() {
    let embedded = Catalog::embedded().unwrap_or_else(|e| panic!("{e}"));
    let on_disk = Catalog::load_dir(&repo("locales")).unwrap_or_else(|e| panic!("{e}"));
    let keys = |c: &Catalog, l| c.keys(l).map(str::to_string).collect::<BTreeSet<_>>();
    let en = keys(&embedded, Lang::En);
    for lang in Lang::ALL {
        assert_eq!(keys(&embedded, lang), en, "{lang} differs from en");
        assert_eq!(
            keys(&on_disk, lang),
            en,
            "{lang} on disk differs from the embedded copy"
        );
    }
}

#[test]
fn every_rule_explanation_exists_in_every_locale() {
    let engine = Engine::load_dir(&repo("rules")).unwrap_or_else(|e| panic!("{e}"));
    let catalog = Catalog::embedded().unwrap_or_else(|e| panic!("{e}"));
    if let Err(e) = catalog.check_rule_keys(engine.rules()) {
        panic!("missing rule explanations:\n{e}");
    }
}

#[test]
fn every_message_resolves_in_every_locale() {
    let catalog = Catalog::embedded().unwrap();
    for lang in Lang::ALL {
        for key in catalog.keys(lang) {
            let vars: &[&str] = UI_KEYS
                .iter()
                .find(|(k, _)| *k == key)
                .map_or(&[], |(_, v)| v);
            let args: Vec<(&str, Arg)> = vars.iter().map(|v| (*v, Arg::Num(3))).collect();
            let out = catalog.try_format(lang, key, &args);
            assert!(out.is_ok(), "{lang} `{key}` does not format: {out:?}");
            assert!(!out.unwrap().trim().is_empty(), "{lang} `{key}` is empty");
        }
    }
}

#[test]
fn ui_keys_come_before_the_rule_section() {
    for (origin, text) in EMBEDDED {
        let (ui, _rules) = text
            .split_once(RULE_SECTION_MARKER)
            .unwrap_or_else(|| panic!("{origin}: no rule section marker"));
        for (key, _) in UI_KEYS {
            assert!(
                ui.lines().any(|l| l.starts_with(&format!("{key} ="))),
                "{origin}: `{key}` is not in the UI part"
            );
        }
    }
}

/// Characters that exist only in Simplified Chinese, and their Traditional forms.
const SIMPLIFIED_ONLY: &str =
    "这们为设资账号讯骗诈码转钱银过时说让开关发现对话软应该务电脑录认证会还个见联请记单击";
const TRADITIONAL_ONLY: &str =
    "這們為設資帳號訊騙詐碼轉錢銀過時說讓開關發現對話軟應該務電腦錄認證會還個麼後見聯請記單擊";

fn messages(text: &str) -> String {
    text.lines()
        .filter(|l| !l.trim_start().starts_with('#'))
        // The language menu names the other script on purpose.
        .filter(|l| !l.contains("/lang zh-"))
        .collect::<Vec<_>>()
        .join("\n")
}

#[test]
fn each_chinese_locale_uses_its_own_script() {
    let [_, (cn_origin, cn), (tw_origin, tw)] = EMBEDDED;
    for c in messages(tw).chars() {
        assert!(
            !SIMPLIFIED_ONLY.contains(c),
            "{tw_origin}: Simplified character `{c}` in the Traditional locale"
        );
    }
    for c in messages(cn).chars() {
        assert!(
            !TRADITIONAL_ONLY.contains(c),
            "{cn_origin}: Traditional character `{c}` in the Simplified locale"
        );
    }
}

#[test]
fn hotlines_are_where_they_belong() {
    let catalog = Catalog::embedded().unwrap();
    let advice = |l| catalog.text(l, "warning-advice");
    assert!(advice(Lang::ZhCn).contains("96110"));
    assert!(advice(Lang::ZhTw).contains("165"));
    assert!(advice(Lang::ZhTw).contains("18222"));
    assert!(advice(Lang::En).contains("official website"));
}
