using System.Globalization;
using PdfSharp.Drawing;
using PdfSharp.Fonts;
using PdfSharp.Pdf;

namespace BlazorTickets.Features.Billing;

/// <summary>A quote as an A4 PDF (PDFsharp): tenant, customer address, lines, net, VAT and gross. Long quotes run over pages.</summary>
public static class QuotePdf
{
    private const double Margin = 50;
    private static readonly Lock FontLock = new();

    /// <param name="text">Translates the English labels (the app's localizer).</param>
    public static byte[] Render(QuoteDetails quote, Func<string, string> text)
    {
        EnsureFonts();
        using var document = new PdfDocument();
        document.Info.Title = $"{text("Quote")} {quote.Number}";
        document.Info.Author = quote.TenantName;

        var regular = new XFont(SystemFontResolver.Family, 10, XFontStyleEx.Regular);
        var bold = new XFont(SystemFontResolver.Family, 10, XFontStyleEx.Bold);
        var title = new XFont(SystemFontResolver.Family, 16, XFontStyleEx.Bold);
        var small = new XFont(SystemFontResolver.Family, 8, XFontStyleEx.Regular);
        string Money(decimal amount) => $"{amount.ToString("N2", CultureInfo.CurrentCulture)} {quote.Currency}";
        string Number(decimal value) => value.ToString("N2", CultureInfo.CurrentCulture);

        var page = document.AddPage();
        page.Size = PdfSharp.PageSize.A4;
        var gfx = XGraphics.FromPdfPage(page);
        var width = page.Width.Point - 2 * Margin;
        var y = Margin;

        // Sender and customer.
        gfx.DrawString(string.IsNullOrWhiteSpace(quote.TenantSenderName) ? quote.TenantName : quote.TenantSenderName, bold, XBrushes.Black, Margin, y);
        y += 13;
        gfx.DrawString(quote.TenantSenderAddress, small, XBrushes.DimGray, Margin, y);
        y += 30;
        foreach (var line in new[] { quote.CustomerCompany, quote.CustomerName }.Concat(quote.CustomerAddress.Split('\n'))
                     .Select(l => l.Trim()).Where(l => l.Length > 0).Distinct())
        {
            gfx.DrawString(line, regular, XBrushes.Black, Margin, y);
            y += 13;
        }
        y += 25;
        gfx.DrawString($"{text("Quote")} {quote.Number}", title, XBrushes.Black, Margin, y);
        gfx.DrawString(quote.CreatedAt.ToLocalTime().ToString("d", CultureInfo.CurrentCulture), regular, XBrushes.Black,
            new XRect(Margin, y - 12, width, 14), XStringFormats.TopRight);
        y += 25;

        // Columns: text | group | hours | rate | amount; the numbers right-aligned, each with room of its own so that
        // a long group name is cut off before it reaches the hours.
        double[] right = [0, 0, Margin + width - 160, Margin + width - 90, Margin + width];
        const double groupWidth = 100;
        var groupLeft = right[2] - 55 - groupWidth;
        var textWidth = groupLeft - Margin - 10;
        void Header()
        {
            gfx.DrawString(text("Ticket"), bold, XBrushes.Black, Margin, y);
            gfx.DrawString(text("User group"), bold, XBrushes.Black, groupLeft, y);
            DrawRight(gfx, text("Hours"), bold, right[2], y);
            DrawRight(gfx, text("Rate"), bold, right[3], y);
            DrawRight(gfx, text("Amount"), bold, right[4], y);
            y += 5;
            gfx.DrawLine(XPens.Gray, Margin, y, Margin + width, y);
            y += 13;
        }
        Header();
        foreach (var line in quote.Lines)
        {
            if (y > page.Height.Point - Margin - 60)
            {
                gfx.Dispose();
                page = document.AddPage();
                page.Size = PdfSharp.PageSize.A4;
                gfx = XGraphics.FromPdfPage(page);
                y = Margin;
                Header();
            }
            gfx.DrawString(Fit(gfx, line.Text, regular, textWidth), regular, XBrushes.Black, Margin, y);
            gfx.DrawString(Fit(gfx, line.UserGroupName, regular, groupWidth), regular, XBrushes.Black, groupLeft, y);
            DrawRight(gfx, Number(line.Hours), regular, right[2], y);
            DrawRight(gfx, Number(line.Rate), regular, right[3], y);
            DrawRight(gfx, Number(line.Amount), regular, right[4], y);
            y += 14;
        }
        gfx.DrawLine(XPens.Gray, Margin, y - 9, Margin + width, y - 9);
        y += 6;
        (string Label, string Value, XFont Font)[] totals =
        [
            (text("Net"), Money(quote.Net), regular),
            (string.Format(CultureInfo.CurrentCulture, text("VAT {0} %"), quote.VatRate.ToString("0.##", CultureInfo.CurrentCulture)), Money(quote.Vat), regular),
            (text("Gross"), Money(quote.Gross), bold),
        ];
        foreach (var (label, value, font) in totals)
        {
            DrawRight(gfx, label, font, right[3], y);
            DrawRight(gfx, value, font, right[4], y);
            y += 14;
        }
        gfx.Dispose();

        using var stream = new MemoryStream();
        document.Save(stream, closeStream: false);
        return stream.ToArray();
    }

    private static void DrawRight(XGraphics gfx, string value, XFont font, double right, double baseline)
    {
        var size = gfx.MeasureString(value, font);
        gfx.DrawString(value, font, XBrushes.Black, right - size.Width, baseline);
    }

    private static string Fit(XGraphics gfx, string value, XFont font, double maxWidth)
    {
        if (gfx.MeasureString(value, font).Width <= maxWidth)
        {
            return value;
        }
        while (value.Length > 1 && gfx.MeasureString(value + "…", font).Width > maxWidth)
        {
            value = value[..^1];
        }
        return value + "…";
    }

    private static void EnsureFonts()
    {
        lock (FontLock)
        {
            if (GlobalFontSettings.FontResolver is not SystemFontResolver)
            {
                GlobalFontSettings.FontResolver = new SystemFontResolver();
            }
        }
    }

    /// <summary>
    /// PDFsharp's core build finds no fonts on Linux by itself: this one takes a sans-serif family from the usual font
    /// folders (Liberation Sans, DejaVu Sans, Arial), so the PDF embeds real glyphs for any Latin text.
    /// </summary>
    private sealed class SystemFontResolver : IFontResolver
    {
        public const string Family = "QuoteSans";

        private static readonly string[] Folders =
        [
            "/usr/share/fonts/truetype/liberation", "/usr/share/fonts/truetype/liberation2", "/usr/share/fonts/liberation",
            "/usr/share/fonts/truetype/dejavu", "/usr/share/fonts/dejavu", "/usr/share/fonts/TTF",
            Environment.GetFolderPath(Environment.SpecialFolder.Fonts), "/Library/Fonts", "/System/Library/Fonts/Supplemental",
        ];

        private static readonly (string Regular, string Bold)[] Candidates =
        [
            ("LiberationSans-Regular.ttf", "LiberationSans-Bold.ttf"),
            ("DejaVuSans.ttf", "DejaVuSans-Bold.ttf"),
            ("arial.ttf", "arialbd.ttf"),
            ("Arial.ttf", "Arial Bold.ttf"),
        ];

        private readonly Lazy<(string Regular, string Bold)> files = new(() =>
        {
            foreach (var (regular, bold) in Candidates)
            {
                foreach (var folder in Folders.Where(f => !string.IsNullOrEmpty(f) && Directory.Exists(f)))
                {
                    var regularPath = Path.Combine(folder, regular);
                    if (File.Exists(regularPath))
                    {
                        var boldPath = Path.Combine(folder, bold);
                        return (regularPath, File.Exists(boldPath) ? boldPath : regularPath);
                    }
                }
            }
            throw new InvalidOperationException("No sans-serif TrueType font found for the quote PDF (install fonts-liberation or fonts-dejavu).");
        });

        public FontResolverInfo? ResolveTypeface(string familyName, bool bold, bool italic) =>
            new(bold ? "quote-bold" : "quote-regular", false, italic);

        public byte[]? GetFont(string faceName) => File.ReadAllBytes(faceName == "quote-bold" ? files.Value.Bold : files.Value.Regular);
    }
}
