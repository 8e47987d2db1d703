import { Type } from 'typebox';
import { Nullable } from '../common.ts';

const Field = Nullable(Type.Object({
  value: Type.String(),
  confidence: Type.Number({ minimum: 0, maximum: 1, description: 'how sure the reading is (0..1)' }),
}));

const ScannedPhone = Type.Object({
  number: Type.String({ description: 'E.164' }),
  written: Type.String({ description: 'as read on the card' }),
  kind: Type.Union([Type.Literal('mobile'), Type.Literal('landline'), Type.Literal('service'), Type.Literal('fax')], { description: 'service: 400/800 numbers; fax: labelled 传真/Fax/F' }),
  confidence: Type.Number({ minimum: 0, maximum: 1 }),
});

const DraftPhone = Type.Object({ number: Type.String(), label: Type.String() });

export const CardScanResult = Type.Object({
  draft: Type.Object({
    name: Type.String({ description: 'empty when no name was found: the user must fill it in' }),
    company: Nullable(Type.String()),
    title: Nullable(Type.String()),
    email: Nullable(Type.String()),
    address: Nullable(Type.String()),
    phones: Type.Array(DraftPhone),
    notes: Nullable(Type.String({ description: 'the website, when the card has one' })),
  }, { description: 'a body for POST /contacts once the user has checked it (not saved)' }),
  fields: Type.Object({
    name: Field, title: Field, company: Field, email: Field, website: Field, address: Field,
    phones: Type.Array(ScannedPhone),
  }),
  lowConfidence: Type.Array(Type.String(), { description: 'fields under cardScan.lowConfidence, to check first (phones as phones.N)' }),
  text: Type.String({ description: 'all text read, line by line' }),
  confidence: Type.Number({ description: 'mean confidence of the text' }),
  image: Type.Object({
    type: Type.Union([Type.Literal('jpeg'), Type.Literal('png'), Type.Literal('webp')]),
    rotated: Type.Integer({ description: 'clockwise quarter turn applied (0, 90, 180, 270)' }),
    skewDegrees: Type.Number({ description: 'skew removed' }),
    cropped: Type.Boolean({ description: 'a card was found on a darker background and cut out' }),
    layout: Type.Union([Type.Literal('horizontal'), Type.Literal('vertical')]),
  }),
  engine: Type.String(),
  elapsedMs: Type.Integer(),
}, { $id: 'CardScanResult' });

/** Content types a card photo may be sent with (the bytes decide what it is). */
export const IMAGE_TYPES = ['image/jpeg', 'image/png', 'image/webp', 'application/octet-stream'];
