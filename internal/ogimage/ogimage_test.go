package ogimage

import (
	"bytes"
	"image"
	"image/color"
	"image/png"
	"os"
	"testing"
)

func demoCard() Card {
	return Card{
		Title: "Persentase penduduk miskin ekstrem", Region: "Kabupaten Banyuasin", Mark: "(data contoh)",
		Caption: "Turun dari 0,56% pada 2023 menjadi 0,49% pada 2024; target RPJMD 2029: 0%.",
		Source:  "Sumber: BPS Kabupaten Banyuasin, diperbarui 5 Maret 2026 · Pantau", Unit: "persen", Comma: true,
		Series:  []Series{{Points: []Point{{2020, 0.9}, {2021, 0.8}, {2022, 0.7}, {2023, 0.56}, {2024, 0.49}}}},
		Targets: []Target{{Plan: "RPJMD 2025–2029", Year: 2026, Low: 0.3, High: 0.4}, {Plan: "RPJMD 2025–2029", Year: 2029, Low: 0}},
	}
}

// has reports whether any pixel of img is exactly c.
func has(img image.Image, c color.RGBA) bool {
	b := img.Bounds()
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			r, g, bl, a := img.At(x, y).RGBA()
			if uint8(r>>8) == c.R && uint8(g>>8) == c.G && uint8(bl>>8) == c.B && uint8(a>>8) == c.A {
				return true
			}
		}
	}
	return false
}

func TestRender(t *testing.T) {
	for _, tt := range []struct {
		name     string
		card     Card
		wantMark bool
	}{
		{"series illustrative", demoCard(), true},
		{"series real", func() Card { c := demoCard(); c.Mark = ""; return c }(), false},
		{"bars", Card{Title: "IPM per kecamatan", Region: "Kabupaten Banyuasin", Source: "Sumber: BPS", Bars: []Bar{{"Banyuasin I", 70.1}, {"Talang Kelapa", 72.4}, {"Rambutan", 68}}}, false},
		{"nothing", Card{Title: "Kosong", NoData: "Belum ada data"}, false},
	} {
		t.Run(tt.name, func(t *testing.T) {
			b, err := Render(tt.card)
			if err != nil {
				t.Fatal(err)
			}
			img, err := png.Decode(bytes.NewReader(b))
			if err != nil {
				t.Fatalf("not a PNG: %v", err)
			}
			if s := img.Bounds().Size(); s.X != Width || s.Y != Height {
				t.Fatalf("size %v, want %dx%d", s, Width, Height)
			}
			if got := has(img, demoBg); got != tt.wantMark {
				t.Errorf("illustrative mark drawn: %v, want %v", got, tt.wantMark)
			}
			if len(tt.card.Series)+len(tt.card.Bars) > 0 && !has(img, palette[0].(color.RGBA)) {
				t.Error("no series colour in the image")
			}
			if dir := os.Getenv("OGIMAGE_OUT"); dir != "" {
				os.WriteFile(dir+"/"+tt.name+".png", b, 0o644)
			}
		})
	}
}

func TestIcon(t *testing.T) {
	for _, size := range []int{32, 192, 512} {
		b, err := Icon(size)
		if err != nil {
			t.Fatal(err)
		}
		img, err := png.Decode(bytes.NewReader(b))
		if err != nil || img.Bounds().Dx() != size || img.Bounds().Dy() != size {
			t.Fatalf("icon %d: %v, %v", size, img.Bounds(), err)
		}
		if !has(img, accent) || !has(img, paper) {
			t.Errorf("icon %d lacks its blue or its white line", size)
		}
		if dir := os.Getenv("OGIMAGE_OUT"); dir != "" {
			os.WriteFile(dir+"/icon.png", b, 0o644)
		}
	}
	ico := ICO([]byte("PNG"), 32)
	if len(ico) != 25 || ico[2] != 1 || ico[6] != 32 || ico[18] != 22 {
		t.Errorf("ICO header % x", ico[:22])
	}
}
