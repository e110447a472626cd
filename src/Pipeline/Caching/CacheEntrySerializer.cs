using System.Text;

namespace Pipeline;

/// <summary>
/// The stored form of the responses kept for one method and URL: a compact binary format, no reflection (trimming and
/// AOT safe), opened by a version byte. An entry of another version, or a damaged one, reads as a miss.
/// </summary>
/// <remarks>
/// Layout, little-endian: version (byte, 1); variant count (int32); per variant: request time and response time (Unix
/// milliseconds, int64), status (int32), reason (flag + string), decoded (bool), Vary selection (count, then name and
/// flag + value per field), header fields (count, then name and value per field line), body (int32 length + bytes).
/// Strings are UTF-8 with a 7-bit encoded length, as <see cref="BinaryWriter"/> writes them.
/// </remarks>
internal static class CacheEntrySerializer
{
    public const byte Version = 1;

    public static byte[] Serialize(IReadOnlyList<CacheEntry> variants)
    {
        using var buffer = new MemoryStream();
        using (var writer = new BinaryWriter(buffer, Encoding.UTF8, leaveOpen: true))
        {
            writer.Write(Version);
            writer.Write(variants.Count);
            foreach (var entry in variants)
            {
                Write(writer, entry);
            }
        }

        return buffer.ToArray();
    }

    /// <summary>Reads the variants, or returns null for another version or a damaged value.</summary>
    public static List<CacheEntry>? Deserialize(byte[] data)
    {
        if (data.Length == 0 || data[0] != Version)
        {
            return null;
        }

        try
        {
            using var reader = new BinaryReader(new MemoryStream(data, 1, data.Length - 1), Encoding.UTF8);
            var count = reader.ReadInt32();
            if (count is < 0 or > 1024)
            {
                return null;
            }

            var variants = new List<CacheEntry>(count);
            for (var i = 0; i < count; i++)
            {
                variants.Add(Read(reader));
            }

            return variants;
        }
        catch (Exception ex) when (ex is EndOfStreamException or IOException or FormatException or ArgumentException or OverflowException)
        {
            return null;
        }
    }

    private static void Write(BinaryWriter writer, CacheEntry entry)
    {
        writer.Write(entry.RequestTime.ToUnixTimeMilliseconds());
        writer.Write(entry.ResponseTime.ToUnixTimeMilliseconds());
        writer.Write(entry.Status);
        WriteOptional(writer, entry.Reason);
        writer.Write(entry.Decoded);
        writer.Write(entry.VaryNames.Length);
        for (var i = 0; i < entry.VaryNames.Length; i++)
        {
            writer.Write(entry.VaryNames[i]);
            WriteOptional(writer, entry.VaryValues[i]);
        }

        writer.Write(entry.Headers.Length);
        foreach (var (name, value) in entry.Headers)
        {
            writer.Write(name);
            writer.Write(value);
        }

        writer.Write(entry.Body.Length);
        writer.Write(entry.Body);
    }

    private static CacheEntry Read(BinaryReader reader)
    {
        var requestTime = DateTimeOffset.FromUnixTimeMilliseconds(reader.ReadInt64());
        var responseTime = DateTimeOffset.FromUnixTimeMilliseconds(reader.ReadInt64());
        var status = reader.ReadInt32();
        var reason = ReadOptional(reader);
        var decoded = reader.ReadBoolean();
        var varyCount = Count(reader);
        var varyNames = new string[varyCount];
        var varyValues = new string?[varyCount];
        for (var i = 0; i < varyCount; i++)
        {
            varyNames[i] = reader.ReadString();
            varyValues[i] = ReadOptional(reader);
        }

        var headers = new KeyValuePair<string, string>[Count(reader)];
        for (var i = 0; i < headers.Length; i++)
        {
            headers[i] = new(reader.ReadString(), reader.ReadString());
        }

        var length = Count(reader);
        var body = reader.ReadBytes(length);
        if (body.Length != length)
        {
            throw new EndOfStreamException();
        }

        return new CacheEntry
        {
            RequestTime = requestTime,
            ResponseTime = responseTime,
            Status = status,
            Reason = reason,
            Decoded = decoded,
            VaryNames = varyNames,
            VaryValues = varyValues,
            Headers = headers,
            Body = body,
        };
    }

    private static int Count(BinaryReader reader)
    {
        var count = reader.ReadInt32();
        return count >= 0 ? count : throw new FormatException("A negative count.");
    }

    private static void WriteOptional(BinaryWriter writer, string? value)
    {
        writer.Write(value is not null);
        if (value is not null)
        {
            writer.Write(value);
        }
    }

    private static string? ReadOptional(BinaryReader reader) => reader.ReadBoolean() ? reader.ReadString() : null;
}
