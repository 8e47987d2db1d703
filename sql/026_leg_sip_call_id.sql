-- Issue 14: the SIP Call-ID of a caller's leg on Asterisk (PJSIP's CHANNEL(pjsip,call-id)), so a
-- call record can be matched to the carrier's, Kamailio's or an SBC's logs, and the HA harness can
-- count records per SIP dialog. Null for modem lines, legs we originate, and non-SIP channels.
ALTER TABLE call_legs ADD COLUMN IF NOT EXISTS sip_call_id text;
CREATE INDEX IF NOT EXISTS call_legs_sip_call_id ON call_legs (sip_call_id) WHERE sip_call_id IS NOT NULL;
