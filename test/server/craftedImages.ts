/** Image bytes no encoder writes, for the fuzz test: PNGs with any header, a deflate bomb, a JPEG of absurd declared size. */
import { deflateSync } from 'node:zlib';

function crc32(bytes: Uint8Array): number {
	let crc = 0xffffffff;
	for (const byte of bytes) {
		crc ^= byte;
		for (let k = 0; k < 8; k++) {
			crc = crc & 1 ? 0xedb88320 ^ (crc >>> 1) : crc >>> 1;
		}
	}
	return (crc ^ 0xffffffff) >>> 0;
}

/** A PNG with any header and image data: for headers no encoder would write. */
export function craftedPng(width: number, height: number, colorType: number, data: Uint8Array): Buffer {
	const chunk = (type: string, body: Uint8Array): Buffer => {
		const out = Buffer.alloc(12 + body.length);
		out.writeUInt32BE(body.length, 0);
		out.write(type, 4, 'latin1');
		out.set(body, 8);
		out.writeUInt32BE(crc32(out.subarray(4, 8 + body.length)), 8 + body.length);
		return out;
	};
	const header = Buffer.alloc(13);
	header.writeUInt32BE(width >>> 0, 0);
	header.writeUInt32BE(height >>> 0, 4);
	header.set([8, colorType, 0, 0, 0], 8);
	return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), chunk('IHDR', header), chunk('IDAT', data), chunk('IEND', new Uint8Array(0))]);
}

let bombData: Buffer | undefined;
/** zlib data that inflates to 256 MiB of zeros (about 256 KB). */
export function deflateBomb(): Buffer {
	bombData ??= deflateSync(Buffer.alloc(256 * 1024 * 1024), { level: 9 });
	return bombData;
}

/** A JPEG whose frame header declares 65535×65535 pixels. */
export function hugeJpeg(): Buffer {
	return Buffer.from([0xff, 0xd8, 0xff, 0xc0, 0x00, 0x11, 0x08, 0xff, 0xff, 0xff, 0xff, 0x03, 0x01, 0x22, 0x00, 0x02, 0x11, 0x01, 0x03, 0x11, 0x01, 0xff, 0xd9]);
}
