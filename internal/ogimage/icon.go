package ogimage

import (
	"bytes"
	"encoding/binary"
	"fmt"

	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/vgimg"
)

// IconSVG is Pantau's icon as SVG (a rising line on blue), the same
// drawing Icon renders as PNG for the favicon and the web manifest.
const IconSVG = `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 64 64"><rect width="64" height="64" rx="14" fill="#1d4ed8"/>` +
	`<polyline points="12,46 26,32 36,40 52,18" fill="none" stroke="#fff" stroke-width="7" stroke-linecap="round" stroke-linejoin="round"/></svg>`

// Icon draws the icon as a size × size PNG.
func Icon(size int) ([]byte, error) {
	img := vgimg.NewWith(vgimg.UseWH(vg.Length(size), vg.Length(size)), vgimg.UseDPI(72))
	k := float64(size) / 64
	img.SetColor(accent)
	img.Fill(roundRect(0, 0, 64*k, 64*k, 14*k))
	var p vg.Path
	// SVG's y runs down, the canvas's up.
	for i, pt := range [][2]float64{{12, 46}, {26, 32}, {36, 40}, {52, 18}} {
		at := vg.Point{X: vg.Length(pt[0] * k), Y: vg.Length((64 - pt[1]) * k)}
		if i == 0 {
			p.Move(at)
		} else {
			p.Line(at)
		}
	}
	img.SetColor(paper)
	img.SetLineWidth(vg.Length(7 * k))
	img.Stroke(p)
	var buf bytes.Buffer
	if _, err := (vgimg.PngCanvas{Canvas: img}).WriteTo(&buf); err != nil {
		return nil, fmt.Errorf("ogimage: icon: %w", err)
	}
	return buf.Bytes(), nil
}

// ICO wraps a PNG of size × size pixels as a .ico file (one image; every
// browser since Windows Vista's era reads PNG inside ICO).
func ICO(png []byte, size int) []byte {
	var b bytes.Buffer
	dim := byte(size)
	if size >= 256 {
		dim = 0 // 0 means 256 in the directory entry
	}
	binary.Write(&b, binary.LittleEndian, [3]uint16{0, 1, 1}) // reserved, type icon, one image
	b.Write([]byte{dim, dim, 0, 0})                           // width, height, no palette, reserved
	binary.Write(&b, binary.LittleEndian, [2]uint16{1, 32})   // colour planes, bits per pixel
	binary.Write(&b, binary.LittleEndian, [2]uint32{uint32(len(png)), 22})
	b.Write(png)
	return b.Bytes()
}
