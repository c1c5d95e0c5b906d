//! A [`Conversation`] as bytes, for a store shared between processes (Redis).
//!
//! Compact (variable-length integers, only the stages and families that were seen, a family
//! by a 4-byte id of its name: [`family_id`]), versioned by its first byte, and strict:
//! [`Conversation::decode`] refuses anything it did not write (unknown version, a value out of
//! range, a byte too many), so a damaged entry starts a fresh conversation instead of a wrong
//! one. Like the conversation itself it holds no text: stages, weights, levels, times, family
//! ids and the id of the last step.
//!
//! Layout (version 1), `v` a LEB128 unsigned integer:
//!
//! ```text
//! 1 | v base | v last_activity | v messages | seen | triggers | warned_stages | warned_level
//!   | per stage in `seen`: v stage_last, v stage_weight
//!   | per stage in `triggers`: v trigger_last
//!   | flags: 1 message_warning_last follows, 2 the last step follows, 4 the last step warned
//!   | v message_warning_last | last step, 4 bytes little-endian
//!   | slots: low 4 bits, which of the family slots hold a family; high 4 bits, which of them
//!     were part of the last warning
//!   | per family slot held, in slot order: family id (4 bytes little-endian), v last, v weight
//! ```

use std::sync::Arc;

use super::{Conversation, FamilySlot, STAGES, Tick};
use crate::conversation::Timestamp;
use crate::engine::{Level, Stage};

const VERSION: u8 = 1;
/// Bits of the stage masks that name a stage.
const STAGE_MASK: u8 = (1 << STAGES) - 1;

/// FNV-1a, 32 bits, of `bytes`: the same in every process and every build.
#[must_use]
pub fn fnv1a(bytes: impl IntoIterator<Item = u8>) -> u32 {
    bytes.into_iter().fold(0x811c_9dc5, |h: u32, b| {
        (h ^ u32::from(b)).wrapping_mul(0x0100_0193)
    })
}

/// The id of family `name` in the encoding: [`fnv1a`] of the name.
#[must_use]
pub fn family_id(name: &str) -> u32 {
    fnv1a(name.bytes())
}

impl Conversation {
    /// The names of the families remembered.
    pub fn family_names(&self) -> impl Iterator<Item = &str> {
        self.families.iter().filter_map(FamilySlot::family)
    }

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
        let mut flags = 0u8;
        if self.message_warning().is_some() {
            flags |= 1;
        }
        if let Some((_, warned)) = self.last_step() {
            flags |= 2 | if warned { 4 } else { 0 };
        }
        out.push(flags);
        if let Some(t) = self.message_warning() {
            put(&mut out, u64::from(t.0));
        }
        if let Some((step, _)) = self.last_step() {
            out.extend_from_slice(&step.to_le_bytes());
        }
        let slots = self
            .families
            .iter()
            .enumerate()
            .filter(|(_, s)| s.family.is_some())
            .fold(0u8, |acc, (i, slot)| {
                acc | 1 << i | if slot.warned { 0x10 << i } else { 0 }
            });
        out.push(slots);
        for slot in &self.families {
            if let Some(name) = slot.family() {
                out.extend_from_slice(&family_id(name).to_le_bytes());
                put(&mut out, u64::from(slot.last.0));
                put(&mut out, u64::from(slot.weight));
            }
        }
        out
    }

    /// Read bytes written by [`Conversation::encode`]; `None` for anything else. `name_of`
    /// gives the name of a family id; a family it does not know is forgotten.
    #[must_use]
    pub fn decode(
        bytes: &[u8],
        mut name_of: impl FnMut(u32) -> Option<Arc<String>>,
    ) -> Option<Conversation> {
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
        let flags = r.byte()?;
        if flags & !7 != 0 || (flags & 4 != 0 && flags & 2 == 0) {
            return None;
        }
        if flags & 1 != 0 {
            c.set_message_warning(Some(r.tick()?));
        }
        if flags & 2 != 0 {
            let step = u32::from_le_bytes(r.take(4)?.try_into().ok()?);
            c.set_last_step(Some((step, flags & 4 != 0)));
        }
        let slots = r.byte()?;
        // A slot marked warned holds a family.
        if (slots >> 4) & !slots != 0 {
            return None;
        }
        for (i, slot) in c.families.iter_mut().enumerate() {
            if slots & (1 << i) == 0 {
                continue;
            }
            let id = u32::from_le_bytes(r.take(4)?.try_into().ok()?);
            let last = r.tick()?;
            let weight = u16::try_from(r.varint()?).ok()?;
            if let Some(name) = name_of(id) {
                *slot = FamilySlot {
                    family: Some(name),
                    last,
                    weight,
                    warned: slots & (0x10 << i) != 0,
                };
            }
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

    const FAMILIES: [&str; 4] = [
        "fake_customer_service",
        "off_platform",
        "remote_control",
        "investment",
    ];

    fn known(id: u32) -> Option<Arc<String>> {
        FAMILIES
            .iter()
            .find(|n| family_id(n) == id)
            .map(|n| Arc::new((*n).to_string()))
    }

    fn decode(bytes: &[u8]) -> Option<Conversation> {
        Conversation::decode(bytes, known)
    }

    fn at(ms: u64) -> Timestamp {
        Timestamp(1_764_000_000_000 + ms)
    }

    /// A conversation after a pretext, a channel move and a screen-share trigger, as steps
    /// 1, 2 and 3.
    fn warned() -> Conversation {
        let r = Rules::new();
        let cfg = ConversationConfig::default();
        let mut c = Conversation::new();
        c.observe_step(1, &scan(&[&r.pretext]), at(0), &cfg);
        c.observe_step(2, &scan(&[&r.channel]), at(60_000), &cfg);
        let (a, _) = c.observe_step(3, &scan(&[&r.control_trigger]), at(120_000), &cfg);
        assert!(a.warn_now);
        c
    }

    #[test]
    fn a_decoded_conversation_goes_on_exactly_as_the_original() {
        let r = Rules::new();
        let cfg = ConversationConfig::default();
        let mut original = warned();
        let mut copy = decode(&original.encode()).expect("decodes");
        // The same trigger again is not news; a new family's trigger is, in both.
        for (step, rule, t, warn) in [
            (4, &r.control_trigger, 180_000, false),
            (5, &r.other_extract_trigger, 240_000, true),
            (6, &r.hook, 300_000, false),
        ] {
            let a = original.observe_step(step, &scan(&[rule]), at(t), &cfg);
            let b = copy.observe_step(step, &scan(&[rule]), at(t), &cfg);
            assert_eq!(a, b);
            assert_eq!(a.0.warn_now, warn, "{}", rule.id);
            copy = decode(&copy.encode()).expect("decodes");
        }
        assert_eq!(copy.messages(), 6);
        assert_eq!(copy.last_activity(), at(300_000));
    }

    #[test]
    fn a_step_delivered_again_is_assessed_as_the_first_time_and_changes_nothing() {
        let r = Rules::new();
        let cfg = ConversationConfig::default();
        // Step 3 warned; the process died before the warning went out; the same update comes
        // again, to a process that reads the stored conversation.
        let mut c = decode(&warned().encode()).expect("decodes");
        let before = c.encode();
        let (again, changed) = c.observe_step(3, &scan(&[&r.control_trigger]), at(125_000), &cfg);
        assert!(!changed);
        assert!(again.warn_now, "the warning owed to step 3 is not lost");
        assert_eq!(again.messages, 3);
        assert_eq!(c.encode(), before);
        // A new message with the same trigger is a new step: already warned.
        let (next, changed) = c.observe_step(4, &scan(&[&r.control_trigger]), at(130_000), &cfg);
        assert!(changed);
        assert!(!next.warn_now);
        assert_eq!(next.messages, 4);
    }

    #[test]
    fn the_encoding_is_small() {
        let bytes = warned().encode();
        // 1 version, 6 base (2^40 < base < 2^42), 3 last activity (120,000 ms), 1 message count,
        // 4 masks; stages: pretext at 0 (1 + 1 weight), channel and control at 60,000 and
        // 120,000 (3 + 1 each); the control trigger at 120,000 (3); flags 1, the last
        // warning-level message at 120,000 (3), the last step (4); 1 slot byte; families
        // (id, last, weight): at 0 (4 + 1 + 1), at 60,000 and 120,000 (4 + 3 + 1 each).
        assert_eq!(
            bytes.len(),
            1 + 6 + 3 + 1 + 4 + 2 + 4 + 4 + 3 + 1 + 3 + 4 + 1 + 6 + 8 + 8
        );
    }

    #[test]
    fn a_family_this_process_cannot_name_is_forgotten() {
        let c = Conversation::decode(&warned().encode(), |id| {
            (id != family_id("off_platform"))
                .then(|| known(id))
                .flatten()
        })
        .expect("decodes");
        let names: Vec<&str> = c.family_names().collect();
        assert_eq!(names, ["fake_customer_service", "remote_control"]);
    }

    #[test]
    fn anything_it_did_not_write_is_refused() {
        let good = warned().encode();
        assert!(decode(&good).is_some());
        assert!(decode(&[]).is_none());
        let mut other_version = good.clone();
        other_version[0] = 2;
        assert!(decode(&other_version).is_none());
        let mut trailing = good.clone();
        trailing.push(0);
        assert!(decode(&trailing).is_none());
        for cut in 0..good.len() {
            assert!(decode(&good[..cut]).is_none(), "cut at {cut}");
        }
        // A stage mask with a bit no stage has.
        let mut mask = good.clone();
        let seen_at = 1 + 6 + 3 + 1;
        mask[seen_at] |= 0x80;
        assert!(decode(&mask).is_none());
        // A family marked warned in a slot that holds none.
        let mut ghost = Conversation::new().encode();
        *ghost.last_mut().unwrap() = 0x10;
        assert!(decode(&ghost).is_none());
        // "The last step warned" without a last step.
        let mut flags = Conversation::new().encode();
        let at = flags.len() - 2;
        flags[at] = 4;
        assert!(decode(&flags).is_none());
        // An eleven-byte integer.
        let mut long = vec![VERSION];
        long.extend([0xff; 10]);
        long.push(0);
        assert!(decode(&long).is_none());
    }

    #[test]
    fn an_empty_conversation_round_trips() {
        let c = decode(&Conversation::new().encode()).expect("decodes");
        assert_eq!(c.messages(), 0);
        assert_eq!(c.last_activity(), Timestamp(0));
    }

    #[test]
    fn family_ids_are_fnv_1a() {
        // FNV-1a 32 of "" is the offset basis; of "a", 0xe40c292c (published test vector).
        assert_eq!(family_id(""), 0x811c_9dc5);
        assert_eq!(family_id("a"), 0xe40c_292c);
    }
}
