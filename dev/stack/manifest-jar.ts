/**
 * A jar (a zip) whose only entry is META-INF/MANIFEST.MF, stored uncompressed: what `jar cfm` makes
 * from a manifest, without needing a JDK's `jar` tool (a JRE has none). Layout per the zip
 * specification (APPNOTE 4.3): local file header, data, central directory header, end record.
 */
import { crc32 } from "node:zlib";

const MANIFEST = "META-INF/MANIFEST.MF";
const VERSION_NEEDED = 10; // 1.0: stored, no extensions
const DOS_DATE_1980_01_01 = 0x21;

export function manifestOnlyJar(manifest: string): Buffer {
  const name = Buffer.from(MANIFEST, "utf8");
  const data = Buffer.from(manifest, "utf8");
  const crc = crc32(data);

  const local = Buffer.alloc(30);
  local.writeUInt32LE(0x04034b50, 0); // local file header signature
  local.writeUInt16LE(VERSION_NEEDED, 4);
  local.writeUInt16LE(DOS_DATE_1980_01_01, 12);
  local.writeUInt32LE(crc, 14);
  local.writeUInt32LE(data.length, 18); // compressed size (stored)
  local.writeUInt32LE(data.length, 22);
  local.writeUInt16LE(name.length, 26);

  const central = Buffer.alloc(46);
  central.writeUInt32LE(0x02014b50, 0); // central directory header signature
  central.writeUInt16LE(VERSION_NEEDED, 4); // made by
  central.writeUInt16LE(VERSION_NEEDED, 6);
  central.writeUInt16LE(DOS_DATE_1980_01_01, 14);
  central.writeUInt32LE(crc, 16);
  central.writeUInt32LE(data.length, 20);
  central.writeUInt32LE(data.length, 24);
  central.writeUInt16LE(name.length, 28);
  // local header offset 0: the only entry starts the file

  const directoryOffset = local.length + name.length + data.length;
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0); // end of central directory signature
  end.writeUInt16LE(1, 8); // entries on this disk
  end.writeUInt16LE(1, 10); // entries in all
  end.writeUInt32LE(central.length + name.length, 12);
  end.writeUInt32LE(directoryOffset, 16);

  return Buffer.concat([local, name, data, central, name, end]);
}
