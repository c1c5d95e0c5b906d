//! A [`Conversation`] as bytes, for a store shared between processes (Redis).
//!
//! Compact (variable-length integers, only the stages and families that were seen), versioned
//! by its first byte, and strict: [`Conversation::decode`] refuses anything it did not write
//! (unknown version, a value out of range, a byte too many), so a damaged entry starts a
//! fresh conversation instead of a wrong one. Like the conversation itself it holds no text:
//! stages, weights, levels, times and family names.
//!
//! Layout (version 1), `v` a LEB128 unsigned integer:
//!
//! ```text
//! 1 | v base | v last_activity | v messages | seen | triggers | warned_stages | warned_level
//!   | per stage in `seen`: v stage_last, v stage_weight
//!   | per stage in `triggers`: v trigger_last
//!   | 0, or 1 and v message_warning_last
//!   | slots: low 4 bits, which of the family slots hold a family; high 4 bits, which of them
//!     were part of the last warning
//!   | per family slot held, in slot order: name length, name, v last, v weight
//! ```

use std::sync::Arc;

use super::{Conversation, FamilySlot, STAGES, Tick};
use crate::conversation::Timestamp;
use crate::engine::{Level, Stage};

const VERSION: u8 = 1;
/// Longest family name kept; rule files name families in a few words.
const MAX_NAME: usize = 64;
/// Bits of the stage masks that name a stage.
const STAGE_MASK: u8 = (1 << STAGES) - 1;

impl Conversation {
    /// The conversation as bytes ([`Conversation::decode`] reads them back).
    #[must_use]
    pub fn encode(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(96);
        out.push(VERSION);
        put(&mut out, self.base.0);
        put(&mut out, u64::from(self.last_activity.0));
        put(&mut out, u64::from(self.messages));
        out.extend([
            self.seen,
            self.triggers,
            self.warned_stages,
            level_byte(self.warned_level),
        ]);
        for s in Stage::ALL {
            if self.seen & s.bit() != 0 {
                put(&mut out, u64::from(self.stage_last[s as usize].0));
                put(&mut out, u64::from(self.stage_weight[s as usize]));
            }
        }
        for s in Stage::ALL {
            if self.triggers & s.bit() != 0 {
                put(&mut out, u64::from(self.trigger_last[s as usize].0));
            }
        }
        match self.message_warning_last {
            Some(t) => {
                out.push(1);
                put(&mut out, u64::from(t.0));
            }
            None => out.push(0),
        }
        let kept: Vec<(usize, &FamilySlot, &str)> = self
            .families
            .iter()
            .enumerate()
            .filter_map(|(i, s)| {
                s.family()
                    .filter(|n| !n.is_empty() && n.len() <= MAX_NAME)
                    .map(|n| (i, s, n))
            })
            .collect();
        let slots = kept.iter().fold(0u8, |acc, (i, slot, _)| {
            acc | 1 << i | if slot.warned { 0x10 << i } else { 0 }
        });
        out.push(slots);
        for (_, slot, name) in kept {
            out.push(u8::try_from(name.len()).unwrap_or(0));
            out.extend_from_slice(name.as_bytes());
            put(&mut out, u64::from(slot.last.0));
            put(&mut out, u64::from(slot.weight));
        }
        out
    }

    /// Read bytes written by [`Conversation::encode`]; `None` for anything else.
    #[must_use]
    pub fn decode(bytes: &[u8]) -> Option<Conversation> {
        let mut r = Reader { bytes, at: 0 };
        if r.byte()? != VERSION {
            return None;
        }
        let mut c = Conversation {
            base: Timestamp(r.varint()?),
            last_activity: r.tick()?,
            messages: u32::try_from(r.varint()?).ok()?,
            ..Conversation::default()
        };
        c.seen = r.mask()?;
        c.triggers = r.mask()?;
        c.warned_stages = r.mask()?;
        c.warned_level = *Level::ALL.get(usize::from(r.byte()?))?;
        for s in Stage::ALL {
            if c.seen & s.bit() != 0 {
                c.stage_last[s as usize] = r.tick()?;
                c.stage_weight[s as usize] = u16::try_from(r.varint()?).ok()?;
            }
        }
        for s in Stage::ALL {
            if c.triggers & s.bit() != 0 {
                c.trigger_last[s as usize] = r.tick()?;
            }
        }
        c.message_warning_last = match r.byte()? {
            0 => None,
            1 => Some(r.tick()?),
            _ => return None,
        };
        let slots = r.byte()?;
        // A slot marked warned holds a family.
        if (slots >> 4) & !slots != 0 {
            return None;
        }
        for (i, slot) in c.families.iter_mut().enumerate() {
            if slots & (1 << i) == 0 {
                continue;
            }
            let len = usize::from(r.byte()?);
            if len == 0 || len > MAX_NAME {
                return None;
            }
            let name = std::str::from_utf8(r.take(len)?).ok()?;
            *slot = FamilySlot {
                family: Some(Arc::new(name.to_owned())),
                last: r.tick()?,
                weight: u16::try_from(r.varint()?).ok()?,
                warned: slots & (0x10 << i) != 0,
            };
        }
        (r.at == bytes.len()).then_some(c)
    }
}

fn level_byte(level: Level) -> u8 {
    Level::ALL
        .iter()
        .position(|l| *l == level)
        .and_then(|i| u8::try_from(i).ok())
        .unwrap_or(0)
}

fn put(out: &mut Vec<u8>, mut v: u64) {
    while v >= 0x80 {
        out.push((v as u8) | 0x80);
        v >>= 7;
    }
    out.push(v as u8);
}

struct Reader<'a> {
    bytes: &'a [u8],
    at: usize,
}

impl Reader<'_> {
    fn byte(&mut self) -> Option<u8> {
        let b = *self.bytes.get(self.at)?;
        self.at += 1;
        Some(b)
    }

    fn take(&mut self, n: usize) -> Option<&[u8]> {
        let end = self.at.checked_add(n)?;
        let s = self.bytes.get(self.at..end)?;
        self.at = end;
        Some(s)
    }

    /// A LEB128 integer of at most 10 bytes that fits in 64 bits.
    fn varint(&mut self) -> Option<u64> {
        let mut v = 0u64;
        for shift in (0..64).step_by(7) {
            let b = self.byte()?;
            let part = u64::from(b & 0x7f);
            if shift == 63 && part > 1 {
                return None;
            }
            v |= part << shift;
            if b & 0x80 == 0 {
                return Some(v);
            }
        }
        None
    }

    fn tick(&mut self) -> Option<Tick> {
        u32::try_from(self.varint()?).ok().map(Tick)
    }

    fn mask(&mut self) -> Option<u8> {
        let m = self.byte()?;
        (m & !STAGE_MASK == 0).then_some(m)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::conversation::ConversationConfig;
    use crate::conversation::test_support::{Rules, scan};

    fn at(ms: u64) -> Timestamp {
        Timestamp(1_764_000_000_000 + ms)
    }

    /// A conversation after a pretext, a channel move and a screen-share trigger.
    fn warned() -> Conversation {
        let r = Rules::new();
        let cfg = ConversationConfig::default();
        let mut c = Conversation::new();
        c.observe(&scan(&[&r.pretext]), at(0), &cfg);
        c.observe(&scan(&[&r.channel]), at(60_000), &cfg);
        let a = c.observe(&scan(&[&r.control_trigger]), at(120_000), &cfg);
        assert!(a.warn_now);
        c
    }

    #[test]
    fn a_decoded_conversation_goes_on_exactly_as_the_original() {
        let r = Rules::new();
        let cfg = ConversationConfig::default();
        let mut original = warned();
        let mut copy = Conversation::decode(&original.encode()).expect("decodes");
        // The same trigger again is not news; a new family's trigger is, in both.
        for (rule, t, warn) in [
            (&r.control_trigger, 180_000, false),
            (&r.other_extract_trigger, 240_000, true),
            (&r.hook, 300_000, false),
        ] {
            let a = original.observe(&scan(&[rule]), at(t), &cfg);
            let b = copy.observe(&scan(&[rule]), at(t), &cfg);
            assert_eq!(a, b);
            assert_eq!(a.warn_now, warn, "{}", rule.id);
            copy = Conversation::decode(&copy.encode()).expect("decodes");
        }
        assert_eq!(copy.messages(), 6);
        assert_eq!(copy.last_activity(), at(300_000));
    }

    #[test]
    fn the_encoding_is_small() {
        let bytes = warned().encode();
        // 1 version, 6 base (2^40 < base < 2^42), 3 last activity (120,000 ms), 1 message count,
        // 4 masks; stages: pretext at 0 (1 + 1 weight), channel and control at 60,000 and
        // 120,000 (3 + 1 each); the control trigger at 120,000 (3); the last warning-level
        // message at 120,000 (1 + 3); 1 slot byte; families (length, name, last, weight): at 0
        // (1 + 1 + 1), at 60,000 and 120,000 (1 + 3 + 1 each).
        let names = "fake_customer_service".len() + "off_platform".len() + "remote_control".len();
        assert_eq!(
            bytes.len(),
            1 + 6 + 3 + 1 + 4 + 2 + 4 + 4 + 3 + 4 + 1 + 3 + 5 + 5 + names
        );
        assert!(bytes.len() < 128, "{} bytes", bytes.len());
    }

    #[test]
    fn anything_it_did_not_write_is_refused() {
        let good = warned().encode();
        assert!(Conversation::decode(&good).is_some());
        assert!(Conversation::decode(&[]).is_none());
        let mut other_version = good.clone();
        other_version[0] = 2;
        assert!(Conversation::decode(&other_version).is_none());
        let mut trailing = good.clone();
        trailing.push(0);
        assert!(Conversation::decode(&trailing).is_none());
        for cut in 0..good.len() {
            assert!(Conversation::decode(&good[..cut]).is_none(), "cut at {cut}");
        }
        // A stage mask with a bit no stage has.
        let mut mask = good.clone();
        let seen_at = 1 + 6 + 3 + 1;
        mask[seen_at] |= 0x80;
        assert!(Conversation::decode(&mask).is_none());
        // A family marked warned in a slot that holds none.
        let mut ghost = Conversation::new().encode();
        *ghost.last_mut().unwrap() = 0x10;
        assert!(Conversation::decode(&ghost).is_none());
        // An eleven-byte integer.
        let mut long = vec![VERSION];
        long.extend([0xff; 10]);
        long.push(0);
        assert!(Conversation::decode(&long).is_none());
    }

    #[test]
    fn an_empty_conversation_round_trips() {
        let c = Conversation::decode(&Conversation::new().encode()).expect("decodes");
        assert_eq!(c.messages(), 0);
        assert_eq!(c.last_activity(), Timestamp(0));
    }
}
