/**
 * Writes the committed corpus of bad and awkward inputs (tests/corpus/files/). Run once by hand:
 *
 *   npx tsx tests/corpus/generate.ts
 *
 * The encrypted PDF needs qpdf (`apt-get install -y qpdf`); it is only needed here, never by a test.
 * Each file is small (a few kB); inputs that must be large or special (20 MB, a symlink, a FIFO, a
 * name with a newline) are made by tests/reliability/corpus.test.ts at run time.
 */
import { execFileSync } from "node:child_process";
import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { deflateSync, gzipSync } from "node:zlib";
import { PDFDocument } from "pdf-lib";
import { ROOT } from "../helpers/cli.ts";
import { pdfFromText } from "../helpers/pdf.ts";

const OUT = join(ROOT, "tests/corpus/files");
const doc = (centre: string, name: string) => readFileSync(join(ROOT, "sources", centre, "documents", name), "utf8");
const KK = doc("kedzierzyn-kozle", "kedzierzyn-kozle_mops_asystenci-rodziny_2025.txt");
const WRO = doc("wroclaw", "wroclaw_mops_dobre-praktyki_2000-2013.txt");
const JAW = doc("jaworzno", "jaworzno_mops_sprawozdanie-gpwr_2023.txt");
const KAT = doc("katowice", "katowice_mops_cpsmis_komisja-polityki-spolecznej_2025-10-07.txt");

/** Deterministic bytes: the corpus does not change when regenerated. */
function noise(n: number, seed = 42): Uint8Array {
  const out = new Uint8Array(n);
  let x = seed;
  for (let i = 0; i < n; i++) {
    x = (x * 1103515245 + 12345) >>> 0;
    out[i] = x >>> 24;
  }
  return out;
}

/** An 8-bit code page encoder built from the decoder; characters it lacks are replaced as an office suite does. */
function encode(text: string, page: string): Uint8Array {
  const decoder = new TextDecoder(page);
  const table = new Map<string, number>();
  for (let b = 0; b < 256; b++) table.set(decoder.decode(new Uint8Array([b])), b);
  const fallback: Record<string, string> = { "„": '"', "”": '"', "’": "'", "–": "-", "—": "-", "−": "-", "•": "*" };
  const out: number[] = [];
  for (const ch of text) {
    const b = table.get(ch) ?? table.get(fallback[ch] ?? "?");
    out.push(b ?? 0x3f);
  }
  return new Uint8Array(out);
}

const utf16 = (text: string, bom: boolean, be = false) => {
  const le = Buffer.from(`${bom ? "\uFEFF" : ""}${text}`, "utf16le");
  if (be) for (let i = 0; i + 1 < le.length; i += 2) [le[i], le[i + 1]] = [le[i + 1] ?? 0, le[i] ?? 0];
  return le;
};

/** UTF-8 bytes read in another code page and saved again as UTF-8: the classic mojibake. */
const mojibake = (text: string, page: string) => new TextDecoder(page).decode(Buffer.from(text, "utf8"));

/** A minimal valid PNG (grey stripes, like a scanned page) without any library. */
function png(width: number, height: number): Uint8Array {
  const crcTable = Array.from({ length: 256 }, (_, n) => {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    return c >>> 0;
  });
  const crc = (buf: Buffer) => {
    let c = 0xffffffff;
    for (const b of buf) c = (crcTable[(c ^ b) & 0xff] ?? 0) ^ (c >>> 8);
    return (c ^ 0xffffffff) >>> 0;
  };
  const chunk = (type: string, data: Buffer) => {
    const len = Buffer.alloc(4);
    len.writeUInt32BE(data.length);
    const body = Buffer.concat([Buffer.from(type, "latin1"), data]);
    const sum = Buffer.alloc(4);
    sum.writeUInt32BE(crc(body));
    return Buffer.concat([len, body, sum]);
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 0; // greyscale
  const rows: number[] = [];
  for (let y = 0; y < height; y++) {
    rows.push(0);
    for (let x = 0; x < width; x++) rows.push(y % 12 < 7 && (x * 7 + y) % 23 > 4 ? 40 : 235);
  }
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk("IHDR", ihdr),
    chunk("IDAT", deflateSync(Buffer.from(rows))),
    chunk("IEND", Buffer.alloc(0)),
  ]);
}

/** A ZIP container with stored (uncompressed) entries, enough for a .docx/.xlsx/.odt to be what it says. */
function zip(entries: [string, string][]): Uint8Array {
  const crcTable = Array.from({ length: 256 }, (_, n) => {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    return c >>> 0;
  });
  const crc = (buf: Buffer) => {
    let c = 0xffffffff;
    for (const b of buf) c = (crcTable[(c ^ b) & 0xff] ?? 0) ^ (c >>> 8);
    return (c ^ 0xffffffff) >>> 0;
  };
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const [name, text] of entries) {
    const data = Buffer.from(text, "utf8");
    const nameBytes = Buffer.from(name, "utf8");
    const sum = crc(data);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt32LE(sum, 14);
    local.writeUInt32LE(data.length, 18);
    local.writeUInt32LE(data.length, 22);
    local.writeUInt16LE(nameBytes.length, 26);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(20, 4);
    central.writeUInt16LE(20, 6);
    central.writeUInt32LE(sum, 16);
    central.writeUInt32LE(data.length, 20);
    central.writeUInt32LE(data.length, 24);
    central.writeUInt16LE(nameBytes.length, 28);
    central.writeUInt32LE(offset, 42);
    locals.push(local, nameBytes, data);
    centrals.push(central, nameBytes);
    offset += local.length + nameBytes.length + data.length;
  }
  const cd = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(entries.length, 8);
  end.writeUInt16LE(entries.length, 10);
  end.writeUInt32LE(cd.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, cd, end]);
}

const xmlEscape = (s: string) => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
const firstLines = (text: string, n: number) => text.split("\n").slice(0, n).join("\n");

/** The lines of a document with one line replaced (1-based), checked so the corpus never drifts silently. */
function replaceLine(text: string, match: RegExp, by: (line: string) => string | string[]): string {
  const lines = text.split("\n");
  const i = lines.findIndex((l) => match.test(l));
  if (i < 0) throw new Error(`no line matches ${match}`);
  const line = lines[i] as string;
  lines.splice(i, 1, ...[by(line)].flat());
  return lines.join("\n");
}

function cutAfter(text: string, match: RegExp, keep: (line: string) => string): string {
  const lines = text.split("\n");
  const i = lines.findIndex((l) => match.test(l));
  if (i < 0) throw new Error(`no line matches ${match}`);
  return [...lines.slice(0, i), keep(lines[i] as string)].join("\n");
}

async function main() {
  rmSync(OUT, { recursive: true, force: true });
  mkdirSync(OUT, { recursive: true });
  const files: Record<string, string | Uint8Array> = {};

  // --- not text at all ---
  files["empty.txt"] = "";
  files["only-white-space.txt"] = " \n\n\t  \r\n   \n";
  files["binary-garbage.bin"] = noise(4096);
  files["garbage-named-as-report.txt"] = noise(3000, 7);
  files["gzip-of-a-report.txt.gz"] = gzipSync(Buffer.from(firstLines(KK, 40)));
  files["scan-as-image.png"] = png(120, 80);

  // --- PDFs ---
  const kkPdf = await pdfFromText(KK);
  files["corrupt.pdf"] = Buffer.concat([Buffer.from("%PDF-1.7\n%\u00e2\u00e3\u00cf\u00d3\n"), noise(2500, 3)]);
  files["truncated.pdf"] = kkPdf.subarray(0, Math.floor(kkPdf.length * 0.3));
  const scanned = await PDFDocument.create();
  const image = await scanned.embedPng(png(300, 420));
  scanned.addPage([595, 842]).drawImage(image, { x: 20, y: 20, width: 555, height: 800 });
  files["scanned-no-text-layer.pdf"] = await scanned.save();
  const blank = await PDFDocument.create();
  blank.addPage([595, 842]);
  files["blank-page.pdf"] = await blank.save();

  // --- office files ---
  const paragraphs = firstLines(KK, 40)
    .split("\n")
    .map((l) => `<w:p><w:r><w:t xml:space="preserve">${xmlEscape(l)}</w:t></w:r></w:p>`)
    .join("");
  files["sprawozdanie.docx"] = zip([
    [
      "[Content_Types].xml",
      '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>',
    ],
    [
      "word/document.xml",
      `<?xml version="1.0"?><w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>${paragraphs}</w:body></w:document>`,
    ],
  ]);
  files["dane-ilosciowe.xlsx"] = zip([
    [
      "[Content_Types].xml",
      '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/></Types>',
    ],
    [
      "xl/worksheets/sheet1.xml",
      '<?xml version="1.0"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>Liczba rodzin korzystająca z pomocy społecznej</t></is></c><c r="B1"><v>10309</v></c></row></sheetData></worksheet>',
    ],
  ]);
  files["sprawozdanie.odt"] = zip([
    ["mimetype", "application/vnd.oasis.opendocument.text"],
    ["content.xml", `<?xml version="1.0"?><office:document-content>${xmlEscape(firstLines(KK, 20))}</office:document-content>`],
  ]);
  // An OLE2 compound file (Word 97-2003 .doc): the header, then a directory naming the WordDocument stream.
  const ole = Buffer.alloc(1536);
  Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]).copy(ole, 0);
  ole.writeUInt16LE(0x003e, 24);
  ole.writeUInt16LE(0x0003, 26);
  ole.writeUInt16LE(0xfffe, 28);
  ole.writeUInt16LE(9, 30);
  Buffer.from("Root Entry", "utf16le").copy(ole, 512);
  Buffer.from("WordDocument", "utf16le").copy(ole, 640);
  Buffer.from(firstLines(KK, 12), "latin1").copy(ole, 1024);
  files["stary-format.doc"] = ole;
  files["sprawozdanie.rtf"] =
    `{\\rtf1\\ansi\\ansicpg1250\\deff0{\\fonttbl{\\f0 Times New Roman;}}\\f0\\fs24 ${encode(firstLines(KK, 40), "windows-1250").reduce(
      (s, b) => s + (b > 127 ? `\\'${b.toString(16)}` : b === 10 ? "\\par\n" : String.fromCharCode(b)),
      "",
    )}}`;
  files["strona-www.html"] =
    `<!DOCTYPE html>\n<html lang="pl"><head><meta charset="utf-8"><title>MOPS</title></head><body>\n${firstLines(KK, 40)
      .split("\n")
      .map((l) => `<p>${xmlEscape(l)}</p>`)
      .join("\n")}\n</body></html>\n`;

  // --- broken text encodings ---
  files["mojibake-utf8-read-as-cp1250.txt"] = mojibake(KK, "windows-1250");
  files["mojibake-utf8-read-as-cp1252.txt"] = mojibake(KK, "windows-1252");
  files["letters-lost-as-question-marks.txt"] = KK.replace(/[ąćęłńóśźżĄĆĘŁŃÓŚŹŻ]/g, "?");
  files["letters-lost-as-replacement-chars.txt"] = KK.replace(/[ąćęłńóśźżĄĆĘŁŃÓŚŹŻ]/g, "\uFFFD");

  // --- encodings real Polish offices produce: decoded, same figures ---
  files["kedzierzyn-windows-1250.txt"] = encode(KK, "windows-1250");
  files["kedzierzyn-iso-8859-2.txt"] = encode(KK, "iso-8859-2");
  files["kedzierzyn-utf-16le-bom.txt"] = utf16(KK, true);
  files["kedzierzyn-utf-16be-bom.txt"] = utf16(KK, true, true);
  files["kedzierzyn-utf-16le-no-bom.txt"] = utf16(KK, false);
  files["kedzierzyn-utf-8-bom.txt"] = `\uFEFF${KK}`;
  files["kedzierzyn-crlf.txt"] = KK.replace(/\n/g, "\r\n");
  files["jaworzno-windows-1250-crlf.txt"] = encode(JAW.replace(/\n/g, "\r\n"), "windows-1250");
  files["wroclaw-no-break-space-thousands.txt"] = WRO.replace(/(\d) (\d{3})(?!\d)/g, "$1\u00a0$2");

  // --- reports no extractor should take ---
  files["unknown-city.txt"] = KK.replace(/Kędzierzyn(ie)?[- ]+Koź(le|lu)/g, (_m, ie) => (ie ? "Nysie" : "Nysa"))
    .replace(/KĘDZIERZYNIE-KOŹLU/g, "NYSIE")
    .replace(/Kędzierzyn\w*/g, "Nysa");
  files["known-city-unknown-layout.txt"] = [
    "SPRAWOZDANIE Z REALIZACJI GMINNEGO PROGRAMU PRZECIWDZIAŁANIA PRZEMOCY DOMOWEJ",
    "W JAWORZNIE ZA ROK 2023",
    "",
    "Tabela Nr 1:",
    "Wszczęte procedury Niebieskie Karty Liczba",
    "formularze NK-A wypełnione przez MOPS 61",
    "formularze NK-A wypełnione przez Policję 102",
    "posiedzenia grup diagnostyczno-pomocowych 388",
    "",
    "Jaworzno, marzec 2024 r.",
    "",
  ].join("\n");

  // --- reports damaged in their tables ---
  files["wroclaw-cut-off-mid-table.txt"] = cutAfter(WRO, /^ bezrobocie 4 151/, (l) => l.slice(0, l.indexOf("4 165")));
  files["jaworzno-cut-off-mid-table.txt"] = cutAfter(JAW, /^Wsparcie pracownika socjalnego 529/, () => "Wsparcie pracownika socjal");
  files["wroclaw-row-value-missing.txt"] = replaceLine(WRO, /^ubóstwo 6 119 5 674 4 376 4 877/, () => "ubóstwo 6 119 5 674 4 877 ");
  files["wroclaw-row-value-missing-no-separators.txt"] = replaceLine(
    WRO,
    /^ bezrobocie 4 151 4 165 3 105 3 449/,
    () => " bezrobocie 4151 4165 3449 ",
  );
  files["jaworzno-row-value-missing.txt"] = replaceLine(JAW, /^Wsparcie pracownika socjalnego 529/, () => "Wsparcie pracownika socjalnego");
  files["wroclaw-duplicated-row.txt"] = replaceLine(WRO, /^ubóstwo 6 119 5 674 4 376 4 877/, (l) => [l, "", l]);
  files["jaworzno-duplicated-row-other-value.txt"] = replaceLine(JAW, /^Wsparcie asystenta 106/, (l) => [
    l,
    "",
    "Wsparcie asystenta 110",
  ]);
  files["wroclaw-number-does-not-parse.txt"] = replaceLine(
    WRO,
    /^ bezrobocie 4 151 4 165 3 105 3 449/,
    () => " bezrobocie 4 l51 4 165 3 1O5 3 449 ",
  );
  files["jaworzno-number-does-not-parse.txt"] = replaceLine(JAW, /^Wsparcie asystenta 106/, () => "Wsparcie asystenta 1O6");
  files["katowice-number-does-not-parse.txt"] = replaceLine(
    KAT,
    /^Liczba asystentów rodziny w 2024 r\. 16/,
    () => "Liczba asystentów rodziny w 2024 r. l6 ",
  );

  // A figure stated twice on one line with two values: the document contradicts itself within a line.
  files["kedzierzyn-same-figure-twice-on-a-line.txt"] = replaceLine(
    KK,
    /objęli wsparciem 74 rodziny, w których wychowuje się 135 dzieci\./,
    (l) =>
      l.replace(
        "objęli wsparciem 74 rodziny, w których wychowuje się 135 dzieci.",
        "objęli wsparciem 74 rodziny, w których wychowuje się 135 dzieci. Asystenci rodziny w 2025 r. objęli wsparciem 76 rodziny, w których wychowuje się 135 dzieci.",
      ),
  );

  // --- odd names (rejected content, so they land in quarantine under a safe name) ---
  const note = "Notatka służbowa: spotkanie zespołu, bez żadnych danych liczbowych.\n";
  files["raport roczny (kopia) – Łódź.txt"] = note;
  files["-zaczyna-sie-od-myslnika.txt"] = note;
  files["..kropki..txt"] = note;
  files["$(touch pwned) `id`;.txt"] = note;

  for (const [name, content] of Object.entries(files)) writeFileSync(join(OUT, name), content);

  // qpdf: AES-256 with a user password (cannot be opened) and with an owner password only (opens).
  const plain = join(OUT, "plain.tmp.pdf");
  writeFileSync(plain, await pdfFromText(firstLines(KK, 60)));
  execFileSync("qpdf", ["--encrypt", "tajne", "tajne", "256", "--", plain, join(OUT, "encrypted-password.pdf")]);
  writeFileSync(plain, kkPdf);
  execFileSync("qpdf", ["--encrypt", "", "wlasciciel", "256", "--", plain, join(OUT, "kedzierzyn-owner-password-only.pdf")]);
  rmSync(plain);
  console.log(`wrote ${Object.keys(files).length + 2} files to ${OUT}`);
}

await main();
