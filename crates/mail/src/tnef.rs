//! Outlook's `winmail.dat` (TNEF, `application/ms-tnef`): the files it carries, with their long
//! names, and the plain text body when it has one — read by the format of Microsoft's
//! [MS-OXTNEF] specification. Anything it cannot read leaves the file as it came.
//!
//! [MS-OXTNEF]: https://learn.microsoft.com/en-us/openspecs/exchange_server_protocols/ms-oxtnef

use crate::Attachment;

const SIGNATURE: u32 = 0x223E_9F78;
/// The level of a message attribute; attachment attributes are level 2.
const LEVEL_MESSAGE: u8 = 1;

const ATT_BODY: u32 = 0x0002_800C;
const ATT_MSG_PROPS: u32 = 0x0006_9003;
const ATT_OEM_CODEPAGE: u32 = 0x0006_9007;
const ATT_ATTACH_REND_DATA: u32 = 0x0006_9002;
const ATT_ATTACH_TITLE: u32 = 0x0001_8010;
const ATT_ATTACH_DATA: u32 = 0x0006_800F;
const ATT_ATTACHMENT: u32 = 0x0006_9005;

const PR_BODY: u16 = 0x1000;
const PR_DISPLAY_NAME: u16 = 0x3001;
const PR_ATTACH_LONG_FILENAME: u16 = 0x3707;
const PR_ATTACH_MIME_TAG: u16 = 0x370E;

const PT_STRING8: u16 = 0x001E;
const PT_UNICODE: u16 = 0x001F;
const MV_FLAG: u16 = 0x1000;

/// What a TNEF stream carries.
#[derive(Debug, Default, PartialEq, Eq)]
pub(crate) struct Unpacked {
    /// The files, in order.
    pub files: Vec<Attachment>,
    /// The message's plain text, when it has one.
    pub body: Option<String>,
}

/// Reads a TNEF stream; `None` when it is not one or is cut short before its first file.
pub(crate) fn unpack(data: &[u8]) -> Option<Unpacked> {
    let mut r = Reader { data, at: 0 };
    if r.u32()? != SIGNATURE {
        return None;
    }
    r.u16()?;
    let mut codepage = 1252;
    let mut out = Unpacked::default();
    let mut current: Option<Building> = None;
    // A stream cut short keeps what was read before the cut.
    while let Some((level, id, value)) = r.attribute() {
        match (level, id) {
            (LEVEL_MESSAGE, ATT_OEM_CODEPAGE) if value.len() >= 4 => {
                codepage = u32::from_le_bytes([value[0], value[1], value[2], value[3]]);
            }
            (LEVEL_MESSAGE, ATT_BODY) => {
                out.body.get_or_insert_with(|| string8(value, codepage));
            }
            (LEVEL_MESSAGE, ATT_MSG_PROPS) => {
                for p in properties(value, codepage) {
                    if p.id == PR_BODY
                        && let Value::Text(t) = p.value
                    {
                        out.body = Some(t);
                    }
                }
            }
            (_, ATT_ATTACH_REND_DATA) => {
                if let Some(b) = current.take() {
                    out.files.extend(b.finish(out.files.len()));
                }
                current = Some(Building::default());
            }
            (_, ATT_ATTACH_TITLE) => {
                if let Some(b) = current.as_mut() {
                    b.title = Some(string8(value, codepage));
                }
            }
            (_, ATT_ATTACH_DATA) => {
                if let Some(b) = current.as_mut() {
                    b.data = Some(value.to_vec());
                }
            }
            (_, ATT_ATTACHMENT) => {
                if let Some(b) = current.as_mut() {
                    for p in properties(value, codepage) {
                        match (p.id, p.value) {
                            (PR_ATTACH_LONG_FILENAME, Value::Text(t)) => b.long_name = Some(t),
                            (PR_DISPLAY_NAME, Value::Text(t)) => b.display_name = Some(t),
                            (PR_ATTACH_MIME_TAG, Value::Text(t)) => b.mime = Some(t),
                            _ => {}
                        }
                    }
                }
            }
            _ => {}
        }
    }
    if let Some(b) = current.take() {
        out.files.extend(b.finish(out.files.len()));
    }
    out.body = out
        .body
        .map(|b| b.replace("\r\n", "\n").trim_end().to_string())
        .filter(|b| !b.is_empty());
    Some(out)
}

/// An attachment as its attributes arrive.
#[derive(Default)]
struct Building {
    title: Option<String>,
    long_name: Option<String>,
    display_name: Option<String>,
    mime: Option<String>,
    data: Option<Vec<u8>>,
}

impl Building {
    /// The file, named by its long name, else its display name, else its short (8.3) title.
    fn finish(self, index: usize) -> Option<Attachment> {
        let data = self.data?;
        let name = [self.long_name, self.display_name, self.title]
            .into_iter()
            .flatten()
            .map(|n| n.trim_end_matches('\0').trim().to_string())
            .find(|n| !n.is_empty())
            .unwrap_or_else(|| format!("attachment-{}", index + 1));
        Some(Attachment {
            name,
            content_type: self
                .mime
                .filter(|m| m.contains('/'))
                .unwrap_or_else(|| "application/octet-stream".into()),
            data,
        })
    }
}

struct Reader<'a> {
    data: &'a [u8],
    at: usize,
}

impl<'a> Reader<'a> {
    fn take(&mut self, n: usize) -> Option<&'a [u8]> {
        let end = self.at.checked_add(n)?;
        let s = self.data.get(self.at..end)?;
        self.at = end;
        Some(s)
    }

    fn u16(&mut self) -> Option<u16> {
        self.take(2).map(|b| u16::from_le_bytes([b[0], b[1]]))
    }

    fn u32(&mut self) -> Option<u32> {
        self.take(4)
            .map(|b| u32::from_le_bytes([b[0], b[1], b[2], b[3]]))
    }

    /// One attribute: its level, id and value; the checksum after it is read past.
    fn attribute(&mut self) -> Option<(u8, u32, &'a [u8])> {
        let level = *self.take(1)?.first()?;
        let id = self.u32()?;
        let len = usize::try_from(self.u32()?).ok()?;
        let value = self.take(len)?;
        self.u16()?;
        Some((level, id, value))
    }
}

/// A MAPI property's value, as far as this reader needs it.
enum Value {
    Text(String),
    Other,
}

struct Property {
    id: u16,
    value: Value,
}

/// The properties of a MAPI property list; a list cut short gives those before the cut.
fn properties(data: &[u8], codepage: u32) -> Vec<Property> {
    let mut r = Reader { data, at: 0 };
    let mut out = Vec::new();
    let Some(count) = r.u32() else {
        return out;
    };
    for _ in 0..count {
        match property(&mut r, codepage) {
            Some(p) => out.push(p),
            None => break,
        }
    }
    out
}

fn property(r: &mut Reader<'_>, codepage: u32) -> Option<Property> {
    let kind = r.u16()?;
    let id = r.u16()?;
    if id >= 0x8000 {
        // A named property: its GUID, then a number or a UTF-16 name.
        r.take(16)?;
        match r.u32()? {
            0 => {
                r.u32()?;
            }
            _ => {
                let len = usize::try_from(r.u32()?).ok()?;
                r.take(padded(len)?)?;
            }
        }
    }
    let multi = kind & MV_FLAG != 0;
    let base = kind & !MV_FLAG;
    let variable = matches!(base, PT_STRING8 | PT_UNICODE | 0x000D | 0x0102);
    let values = if multi || variable {
        usize::try_from(r.u32()?).ok()?
    } else {
        1
    };
    let mut value = Value::Other;
    for i in 0..values {
        if variable {
            let len = usize::try_from(r.u32()?).ok()?;
            let bytes = r.take(len)?;
            r.take(padded(len)? - len)?;
            if i == 0 && !multi {
                value = match base {
                    PT_STRING8 => Value::Text(string8(bytes, codepage)),
                    PT_UNICODE => Value::Text(utf16(bytes)),
                    _ => Value::Other,
                };
            }
        } else {
            r.take(fixed_size(base)?)?;
        }
    }
    Some(Property { id, value })
}

/// The bytes a fixed-size property type takes in the stream, padding included.
fn fixed_size(kind: u16) -> Option<usize> {
    Some(match kind {
        // PT_SHORT, PT_LONG, PT_FLOAT, PT_ERROR, PT_BOOLEAN: padded to four bytes.
        0x0002 | 0x0003 | 0x0004 | 0x000A | 0x000B => 4,
        // PT_DOUBLE, PT_CURRENCY, PT_APPTIME, PT_I8, PT_SYSTIME.
        0x0005 | 0x0006 | 0x0007 | 0x0014 | 0x0040 => 8,
        // PT_CLSID.
        0x0048 => 16,
        // PT_NULL, PT_UNSPECIFIED.
        0x0001 | 0x0000 => 0,
        _ => return None,
    })
}

fn padded(len: usize) -> Option<usize> {
    len.checked_add(3).map(|n| n & !3)
}

/// An 8-bit string in the stream's code page, without its terminating NUL.
fn string8(bytes: &[u8], codepage: u32) -> String {
    let bytes = bytes.strip_suffix(&[0]).unwrap_or(bytes);
    let encoding = match codepage {
        65001 => encoding_rs::UTF_8,
        866 => encoding_rs::IBM866,
        1250 => encoding_rs::WINDOWS_1250,
        1251 => encoding_rs::WINDOWS_1251,
        1253 => encoding_rs::WINDOWS_1253,
        1254 => encoding_rs::WINDOWS_1254,
        1255 => encoding_rs::WINDOWS_1255,
        1256 => encoding_rs::WINDOWS_1256,
        1257 => encoding_rs::WINDOWS_1257,
        1258 => encoding_rs::WINDOWS_1258,
        20866 => encoding_rs::KOI8_R,
        21866 => encoding_rs::KOI8_U,
        28595 => encoding_rs::ISO_8859_5,
        _ => encoding_rs::WINDOWS_1252,
    };
    encoding.decode_without_bom_handling(bytes).0.into_owned()
}

/// A UTF-16LE string, without its terminating NUL.
fn utf16(bytes: &[u8]) -> String {
    let units: Vec<u16> = bytes
        .chunks_exact(2)
        .map(|c| u16::from_le_bytes([c[0], c[1]]))
        .collect();
    String::from_utf16_lossy(&units)
        .trim_end_matches('\0')
        .to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Files written by Outlook and Exchange: `winmail.dat` and the TNEF test files of the
    /// `tnef` project (through the `ytnef` crate's test data).
    fn real(name: &str) -> Vec<u8> {
        std::fs::read(format!("{}/tests/tnef/{name}", env!("CARGO_MANIFEST_DIR"))).unwrap()
    }

    fn names(u: &Unpacked) -> Vec<(&str, &str, usize)> {
        u.files
            .iter()
            .map(|f| (f.name.as_str(), f.content_type.as_str(), f.data.len()))
            .collect()
    }

    #[test]
    fn real_tnef_files_give_their_files_by_their_long_names() {
        type File = (&'static str, &'static str, usize);
        let cases: &[(&str, &[File])] = &[
            (
                "winmail.dat",
                &[
                    ("zappa_av1.jpg", "application/octet-stream", 2937),
                    ("bookmark.htm", "application/octet-stream", 85805),
                ],
            ),
            (
                "long-filename.tnef",
                &[("allproductsmar2000.dat", "application/octet-stream", 279)],
            ),
            (
                "one-file.tnef",
                &[("AUTHORS", "application/octet-stream", 244)],
            ),
            (
                "multi-value-attribute.tnef",
                &[("208225 (5 seconds) Voice Mail.mp3", "audio/mp3", 10656)],
            ),
            // A rich-text body only: nothing this reader can give.
            ("rtf.tnef", &[]),
        ];
        for (file, want) in cases {
            let u = unpack(&real(file)).unwrap();
            assert_eq!(names(&u), *want, "{file}");
            assert_eq!(u.body, None, "{file}");
        }
    }

    /// A TNEF stream as Outlook writes one, attribute by attribute.
    struct Stream(Vec<u8>);

    impl Stream {
        fn new() -> Stream {
            let mut v = SIGNATURE.to_le_bytes().to_vec();
            v.extend_from_slice(&0x0001u16.to_le_bytes());
            Stream(v)
        }

        fn attribute(mut self, level: u8, id: u32, value: &[u8]) -> Stream {
            self.0.push(level);
            self.0.extend_from_slice(&id.to_le_bytes());
            self.0
                .extend_from_slice(&(value.len() as u32).to_le_bytes());
            self.0.extend_from_slice(value);
            let sum = value
                .iter()
                .fold(0u16, |s, b| s.wrapping_add(u16::from(*b)));
            self.0.extend_from_slice(&sum.to_le_bytes());
            self
        }
    }

    /// A MAPI property list of variable-size values: (type, id, bytes).
    fn props(list: &[(u16, u16, Vec<u8>)]) -> Vec<u8> {
        let mut v = (list.len() as u32 + 1).to_le_bytes().to_vec();
        // A fixed-size property first, which must be stepped over.
        v.extend_from_slice(&0x0003u16.to_le_bytes());
        v.extend_from_slice(&0x0E21u16.to_le_bytes());
        v.extend_from_slice(&7u32.to_le_bytes());
        for (kind, id, bytes) in list {
            v.extend_from_slice(&kind.to_le_bytes());
            v.extend_from_slice(&id.to_le_bytes());
            v.extend_from_slice(&1u32.to_le_bytes());
            v.extend_from_slice(&(bytes.len() as u32).to_le_bytes());
            v.extend_from_slice(bytes);
            v.resize(v.len() + (padded(bytes.len()).unwrap() - bytes.len()), 0);
        }
        v
    }

    fn utf16z(s: &str) -> Vec<u8> {
        s.encode_utf16()
            .chain([0])
            .flat_map(u16::to_le_bytes)
            .collect()
    }

    #[test]
    fn cyrillic_names_and_a_windows_1251_body_are_read() {
        let (body, _, _) = encoding_rs::WINDOWS_1251.encode("Отчёт во вложении.\r\n\0");
        let stream = Stream::new()
            .attribute(1, ATT_OEM_CODEPAGE, &1251u32.to_le_bytes())
            .attribute(
                1,
                ATT_MSG_PROPS,
                &props(&[(PT_STRING8, PR_BODY, body.to_vec())]),
            )
            .attribute(2, ATT_ATTACH_REND_DATA, &[0; 14])
            .attribute(2, ATT_ATTACH_TITLE, b"OTCHET~1.XLS\0")
            .attribute(2, ATT_ATTACH_DATA, b"PK\x03\x04")
            .attribute(
                2,
                ATT_ATTACHMENT,
                &props(&[
                    (
                        PT_UNICODE,
                        PR_ATTACH_LONG_FILENAME,
                        utf16z("Отчёт за ноябрь.xlsx"),
                    ),
                    (
                        PT_STRING8,
                        PR_ATTACH_MIME_TAG,
                        b"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet\0"
                            .to_vec(),
                    ),
                ]),
            )
            .attribute(2, ATT_ATTACH_REND_DATA, &[0; 14])
            .attribute(2, ATT_ATTACH_TITLE, b"\xd1\xf5\xe5\xec\xe0.png\0")
            .attribute(2, ATT_ATTACH_DATA, b"\x89PNG");
        let u = unpack(&stream.0).unwrap();
        assert_eq!(u.body.as_deref(), Some("Отчёт во вложении."));
        assert_eq!(
            names(&u),
            vec![
                (
                    "Отчёт за ноябрь.xlsx",
                    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                    4
                ),
                // No long name: the short title, in the stream's code page.
                ("Схема.png", "application/octet-stream", 4),
            ]
        );
    }

    #[test]
    fn a_stream_cut_short_keeps_the_files_before_the_cut_and_bytes_that_are_no_stream_give_none() {
        let stream = Stream::new()
            .attribute(2, ATT_ATTACH_REND_DATA, &[0; 14])
            .attribute(2, ATT_ATTACH_TITLE, b"a.txt\0")
            .attribute(2, ATT_ATTACH_DATA, b"first")
            .attribute(2, ATT_ATTACH_REND_DATA, &[0; 14])
            .attribute(2, ATT_ATTACH_TITLE, b"b.txt\0")
            .attribute(2, ATT_ATTACH_DATA, b"second");
        let cut = &stream.0[..stream.0.len() - 5];
        let u = unpack(cut).unwrap();
        assert_eq!(names(&u), vec![("a.txt", "application/octet-stream", 5)]);
        assert_eq!(unpack(b"not a tnef stream"), None);
        assert_eq!(unpack(&[]), None);
        // Lengths that point past the end, or a property list that lies about its count.
        let lying = Stream::new().attribute(2, ATT_ATTACHMENT, &u32::MAX.to_le_bytes());
        assert_eq!(unpack(&lying.0).unwrap(), Unpacked::default());
    }
}
