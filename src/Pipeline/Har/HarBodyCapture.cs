using System.Buffers;

namespace Pipeline;

/// <summary>The first bytes of a body as it went by, up to a cap, and how many bytes went by in all. Callers lock the exchange.</summary>
internal sealed class HarBodyCapture(int cap)
{
    private readonly ArrayBufferWriter<byte> _bytes = new();

    /// <summary>Gets how many bytes went by, the ones beyond the cap included.</summary>
    public long Total { get; private set; }

    /// <summary>Gets or sets a value indicating whether the body was seen to its end.</summary>
    public bool Complete { get; set; }

    public bool Truncated => Total > _bytes.WrittenCount;

    public void Append(ReadOnlySpan<byte> data)
    {
        var room = cap - _bytes.WrittenCount;
        if (room > 0)
        {
            _bytes.Write(data[..Math.Min(room, data.Length)]);
        }

        Total += data.Length;
    }

    public byte[] ToArray() => _bytes.WrittenSpan.ToArray();
}
