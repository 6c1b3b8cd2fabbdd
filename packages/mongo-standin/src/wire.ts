import { deserialize, serialize, type DeserializeOptions } from 'bson';
import type { BsonDocument } from './values';
import { hasOwn, setField } from './own';

// MongoDB wire protocol opcodes (docs: "MongoDB Wire Protocol").
export const OP_REPLY = 1;
export const OP_QUERY = 2004;
export const OP_COMPRESSED = 2012;
export const OP_MSG = 2013;

export const HEADER_SIZE = 16;

const CHECKSUM_PRESENT = 1 << 0;
const MORE_TO_COME = 1 << 1;
// Bits 0-15 are "required": a receiver must reject a message with an unknown one set.
const KNOWN_REQUIRED_FLAGS = CHECKSUM_PRESENT | MORE_TO_COME;
const REQUIRED_FLAGS_MASK = 0xffff;

/**
 * Numbers, Longs that fit a double and Int32/Double wrappers become plain JS numbers, and
 * BSON regular expressions become RegExp, because that is what mingo compares and matches.
 * The price is that the original numeric BSON type is not kept; see the README gaps.
 */
const DESERIALIZE_OPTIONS: DeserializeOptions = { promoteLongs: true, promoteValues: true, bsonRegExp: false };

/** A message the stand-in cannot parse. The connection that sent it is closed. */
export class WireProtocolError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'WireProtocolError';
  }
}

export interface MsgRequest {
  kind: 'msg';
  requestId: number;
  /** Body with kind-1 document sequences (`documents`, `updates`, `deletes`) merged in. */
  body: BsonDocument;
  /** The client expects no reply (unacknowledged write). */
  moreToCome: boolean;
}

export interface QueryRequest {
  kind: 'query';
  requestId: number;
  fullCollectionName: string;
  query: BsonDocument;
}

export type WireRequest = MsgRequest | QueryRequest;

/** Parses one complete message (header included). Throws WireProtocolError on anything malformed. */
export function decodeMessage(message: Buffer): WireRequest {
  if (message.length < HEADER_SIZE) throw new WireProtocolError('message shorter than its header');
  const requestId = message.readInt32LE(4);
  const opCode = message.readInt32LE(12);
  switch (opCode) {
    case OP_MSG:
      return decodeOpMsg(message, requestId);
    case OP_QUERY:
      return decodeOpQuery(message, requestId);
    case OP_COMPRESSED:
      throw new WireProtocolError('OP_COMPRESSED received although no compressor was negotiated');
    default:
      throw new WireProtocolError(`unsupported opcode ${opCode}`);
  }
}

function readDocument(buf: Buffer, offset: number, end: number): { doc: BsonDocument; next: number } {
  if (offset + 5 > end) throw new WireProtocolError('truncated BSON document');
  const size = buf.readInt32LE(offset);
  if (size < 5 || offset + size > end) throw new WireProtocolError('BSON document length out of bounds');
  try {
    return { doc: deserialize(buf.subarray(offset, offset + size), DESERIALIZE_OPTIONS), next: offset + size };
  } catch (err) {
    throw new WireProtocolError(`invalid BSON: ${(err as Error).message}`);
  }
}

function readCString(buf: Buffer, offset: number, end: number): { value: string; next: number } {
  const zero = buf.indexOf(0, offset);
  if (zero < 0 || zero >= end) throw new WireProtocolError('unterminated C string');
  return { value: buf.toString('utf8', offset, zero), next: zero + 1 };
}

function decodeOpMsg(buf: Buffer, requestId: number): MsgRequest {
  if (buf.length < HEADER_SIZE + 5) throw new WireProtocolError('OP_MSG too short');
  const flags = buf.readUInt32LE(HEADER_SIZE);
  if ((flags & REQUIRED_FLAGS_MASK & ~KNOWN_REQUIRED_FLAGS) !== 0) {
    throw new WireProtocolError(`OP_MSG has unknown required flag bits: 0x${flags.toString(16)}`);
  }
  // The CRC-32C checksum is tolerated but not verified: TCP on loopback already guarantees integrity.
  const end = buf.length - (flags & CHECKSUM_PRESENT ? 4 : 0);
  let offset = HEADER_SIZE + 4;
  let body: BsonDocument | undefined;
  const sequences: Array<[string, BsonDocument[]]> = [];
  while (offset < end) {
    const kind = buf[offset++];
    if (kind === 0) {
      if (body) throw new WireProtocolError('OP_MSG has more than one body section');
      const read = readDocument(buf, offset, end);
      body = read.doc;
      offset = read.next;
    } else if (kind === 1) {
      if (offset + 4 > end) throw new WireProtocolError('truncated document sequence');
      const sectionEnd = offset + buf.readInt32LE(offset);
      if (sectionEnd > end || sectionEnd <= offset + 4) throw new WireProtocolError('document sequence length out of bounds');
      const id = readCString(buf, offset + 4, sectionEnd);
      const docs: BsonDocument[] = [];
      let pos = id.next;
      while (pos < sectionEnd) {
        const read = readDocument(buf, pos, sectionEnd);
        docs.push(read.doc);
        pos = read.next;
      }
      sequences.push([id.value, docs]);
      offset = sectionEnd;
    } else {
      throw new WireProtocolError(`unknown OP_MSG section kind ${kind}`);
    }
  }
  if (!body) throw new WireProtocolError('OP_MSG without a body section');
  for (const [id, docs] of sequences) {
    if (hasOwn(body, id)) throw new WireProtocolError(`OP_MSG field '${id}' given both in the body and as a document sequence`);
    setField(body, id, docs);
  }
  return { kind: 'msg', requestId, body, moreToCome: (flags & MORE_TO_COME) !== 0 };
}

function decodeOpQuery(buf: Buffer, requestId: number): QueryRequest {
  const end = buf.length;
  const name = readCString(buf, HEADER_SIZE + 4, end);
  // numberToSkip and numberToReturn are irrelevant for commands.
  const { doc } = readDocument(buf, name.next + 8, end);
  return { kind: 'query', requestId, fullCollectionName: name.value, query: doc };
}

let nextResponseId = 1;

function header(length: number, responseTo: number, opCode: number): Buffer {
  const h = Buffer.allocUnsafe(HEADER_SIZE);
  h.writeInt32LE(length, 0);
  h.writeInt32LE(nextResponseId, 4);
  nextResponseId = (nextResponseId % 0x7fffffff) + 1;
  h.writeInt32LE(responseTo, 8);
  h.writeInt32LE(opCode, 12);
  return h;
}

// Fields that are undefined (e.g. produced by an aggregation expression) are left out, as
// mongod leaves out missing fields, rather than being turned into null.
const serializeReply = (doc: BsonDocument): Uint8Array => serialize(doc, { checkKeys: false, ignoreUndefined: true });

/** An OP_MSG reply with a single body section and no flags (never moreToCome/exhaust). */
export function encodeMsgReply(responseTo: number, doc: BsonDocument): Buffer {
  const body = serializeReply(doc);
  const prefix = Buffer.alloc(5); // flagBits = 0, section kind 0
  const length = HEADER_SIZE + prefix.length + body.length;
  return Buffer.concat([header(length, responseTo, OP_MSG), prefix, body]);
}

/** An OP_REPLY carrying one document: the legacy answer to a command sent as OP_QUERY. */
export function encodeOpReply(responseTo: number, doc: BsonDocument): Buffer {
  const body = serializeReply(doc);
  const fields = Buffer.alloc(20);
  fields.writeInt32LE(0, 0); // responseFlags
  fields.writeBigInt64LE(0n, 4); // cursorID
  fields.writeInt32LE(0, 12); // startingFrom
  fields.writeInt32LE(1, 16); // numberReturned
  const length = HEADER_SIZE + fields.length + body.length;
  return Buffer.concat([header(length, responseTo, OP_REPLY), fields, body]);
}
