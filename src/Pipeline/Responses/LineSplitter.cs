using System.Runtime.CompilerServices;
using System.Text;

namespace Pipeline;

/// <summary>Splits a chunked body into lines (requests' <c>iter_lines</c>), with line breaks that may straddle chunks.</summary>
internal static class LineSplitter
{
    public static async IAsyncEnumerable<string> SplitAsync(
        IAsyncEnumerable<ReadOnlyMemory<byte>> chunks,
        Encoding encoding,
        string? delimiter,
        [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var decoder = encoding.GetDecoder();
        var pending = new StringBuilder();
        var pendingCr = false;
        var chars = Array.Empty<char>();
        var sawText = false;
        await foreach (var chunk in chunks.WithCancellation(cancellationToken).ConfigureAwait(false))
        {
            // The source may not observe the token itself; stop between chunks either way.
            cancellationToken.ThrowIfCancellationRequested();
            var needed = decoder.GetCharCount(chunk.Span, flush: false);
            if (chars.Length < needed)
            {
                chars = new char[needed];
            }

            var count = decoder.GetChars(chunk.Span, chars, flush: false);
            sawText |= count > 0;
            foreach (var line in Feed(pending, chars.AsSpan(0, count), delimiter, ref pendingCr))
            {
                yield return line;
            }
        }

        var tail = new char[decoder.GetCharCount([], flush: true)];
        decoder.GetChars([], tail, flush: true);
        foreach (var line in Feed(pending, tail, delimiter, ref pendingCr))
        {
            yield return line;
        }

        // A custom delimiter splits like requests' str.split: a body ending with it yields a last, empty piece.
        // Line breaks split like splitlines(), where a final line break ends the last line and adds none.
        if (pending.Length > 0 || (delimiter is not null && (sawText || tail.Length > 0)))
        {
            yield return pending.ToString();
        }
    }

    private static List<string> Feed(StringBuilder pending, ReadOnlySpan<char> text, string? delimiter, ref bool pendingCr)
    {
        var lines = new List<string>();
        if (delimiter is not null)
        {
            pending.Append(text);
            var all = pending.ToString();
            var start = 0;
            int index;
            while ((index = all.IndexOf(delimiter, start, StringComparison.Ordinal)) >= 0)
            {
                lines.Add(all[start..index]);
                start = index + delimiter.Length;
            }

            pending.Clear().Append(all, start, all.Length - start);
            return lines;
        }

        foreach (var c in text)
        {
            if (pendingCr)
            {
                pendingCr = false;
                if (c == '\n')
                {
                    // The \n of a \r\n that straddled two chunks ends nothing new.
                    continue;
                }
            }

            if (c is '\n' or '\r')
            {
                lines.Add(pending.ToString());
                pending.Clear();
                pendingCr = c == '\r';
                continue;
            }

            pending.Append(c);
        }

        return lines;
    }
}
