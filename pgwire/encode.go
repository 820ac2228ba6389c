package pgwire

import (
	"github.com/jackc/pgx/v5/pgproto3"
	"github.com/persiandb/persiandb/sql/pgcodec"
	"github.com/persiandb/persiandb/sql/pgerr"
	"github.com/persiandb/persiandb/sql/planner"
	"github.com/persiandb/persiandb/storage"
)

// flushEvery bounds the rows buffered before a write, so that a large
// result streams instead of growing the send buffer without limit.
const flushEvery = 256

// format returns column i's format code from Bind's list: none means
// text, one applies to all.
func format(formats []int16, i int) int16 {
	switch len(formats) {
	case 0:
		return pgcodec.Text
	case 1:
		return formats[0]
	}
	return formats[i]
}

// checkFormats validates Bind's result or parameter format codes.
func checkFormats(formats []int16, n int, what string) error {
	if len(formats) > 1 && len(formats) != n {
		return pgerr.New(pgerr.ProtocolViolation, "bind message has %d %s formats but %d %ss", len(formats), what, n, what)
	}
	for _, f := range formats {
		if f != pgcodec.Text && f != pgcodec.Binary {
			return pgerr.New(pgerr.ProtocolViolation, "unsupported format code: %d", f)
		}
	}
	return nil
}

func (c *conn) rowDescription(cols []planner.ResultColumn, formats []int16) *pgproto3.RowDescription {
	fields := make([]pgproto3.FieldDescription, len(cols))
	for i, col := range cols {
		fields[i] = pgproto3.FieldDescription{
			Name:         []byte(col.Name),
			DataTypeOID:  col.Type.OID(),
			DataTypeSize: col.Type.Size(),
			TypeModifier: col.Type.Typmod,
			Format:       format(formats, i),
		}
		if col.TableID != 0 {
			fields[i].TableOID = col.TableID
			fields[i].TableAttributeNumber = uint16(col.Column)
		}
	}
	return &pgproto3.RowDescription{Fields: fields}
}

// sendRow encodes one row into the connection's scratch buffers and
// queues its DataRow.
func (c *conn) sendRow(cols []planner.ResultColumn, row []storage.Value, formats []int16) {
	buf := c.vbuf[:0]
	ends := c.row[:0]
	// Encode every value into one buffer first, then slice it: appends
	// may move the buffer, so slices are taken only at the end.
	offs := c.offs[:0]
	for i, v := range row {
		start := len(buf)
		if v.IsNull() {
			offs = append(offs, -1, -1)
			continue
		}
		if format(formats, i) == pgcodec.Binary {
			var err error
			if buf, err = pgcodec.AppendBinary(buf, v, cols[i].Type); err != nil {
				// Types without a binary form were refused at Bind.
				buf = pgcodec.AppendText(buf, v, cols[i].Type, c.sess.Location())
			}
		} else {
			buf = pgcodec.AppendText(buf, v, cols[i].Type, c.sess.Location())
		}
		offs = append(offs, start, len(buf))
	}
	for i := 0; i < len(offs); i += 2 {
		if offs[i] < 0 {
			ends = append(ends, nil)
		} else {
			ends = append(ends, buf[offs[i]:offs[i+1]:offs[i+1]])
		}
	}
	c.vbuf, c.row, c.offs = buf, ends, offs
	c.be.Send(&pgproto3.DataRow{Values: ends})
}
