using System.Collections;

namespace Pipeline;

/// <summary>
/// Represents HTTP headers as a case-insensitive, insertion-ordered map of names to values.
/// </summary>
/// <remarks>
/// Same rules as requests' <c>CaseInsensitiveDict</c>: a lookup ignores case, the stored spelling is the one
/// last assigned, and the position is the one first assigned. In a per-request map a <see langword="null"/>
/// value removes the session's header of that name (requests' <c>merge_setting</c>).
/// Changes and copies are synchronized, so a session's headers may be changed while its requests copy them (each request
/// copies one state); enumerating a map while another thread changes it is not safe.
/// </remarks>
public sealed class HeaderMap : IEnumerable<KeyValuePair<string, string?>>, IEquatable<HeaderMap>
{
    private readonly List<KeyValuePair<string, string?>> _items;

    /// <summary>Initializes a new, empty instance of the <see cref="HeaderMap"/> class.</summary>
    public HeaderMap()
    {
        _items = [];
    }

    /// <summary>Initializes a new instance of the <see cref="HeaderMap"/> class holding a copy of <paramref name="headers"/>.</summary>
    /// <param name="headers">The headers to copy, in order; a repeated name keeps its first position and its last value.</param>
    /// <exception cref="ArgumentNullException"><paramref name="headers"/> is <see langword="null"/>.</exception>
    public HeaderMap(IEnumerable<KeyValuePair<string, string?>> headers)
    {
        ArgumentNullException.ThrowIfNull(headers);
        if (headers is HeaderMap other)
        {
            lock (other._items)
            {
                _items = new List<KeyValuePair<string, string?>>(other._items);
            }
        }
        else
        {
            _items = [];
            foreach (var pair in headers)
            {
                this[pair.Key] = pair.Value;
            }
        }
    }

    /// <summary>Gets the number of headers.</summary>
    public int Count => _items.Count;

    /// <summary>Gets the header names in order.</summary>
    public IEnumerable<string> Keys
    {
        get
        {
            foreach (var pair in _items)
            {
                yield return pair.Key;
            }
        }
    }

    /// <summary>Gets or sets the value of a header, ignoring the case of its name.</summary>
    /// <param name="name">The header name.</param>
    /// <returns>The value, or <see langword="null"/> when the header is absent (or was set to <see langword="null"/>).</returns>
    /// <remarks>Setting an existing name keeps its position and takes the new spelling, as requests' <c>CaseInsensitiveDict</c>.</remarks>
    /// <exception cref="ArgumentNullException"><paramref name="name"/> is <see langword="null"/>.</exception>
    public string? this[string name]
    {
        get
        {
            var index = IndexOf(name);
            return index < 0 ? null : _items[index].Value;
        }

        set
        {
            ArgumentNullException.ThrowIfNull(name);
            lock (_items)
            {
                var index = IndexOf(name);
                if (index < 0)
                {
                    _items.Add(new(name, value));
                }
                else
                {
                    _items[index] = new(name, value);
                }

                Version++;
            }
        }
    }

    /// <summary>Adds a header; when the name is already present the values are joined with <c>", "</c>.</summary>
    /// <param name="name">The header name.</param>
    /// <param name="value">The value to add.</param>
    /// <remarks>Joining repeated headers is how requests presents <c>response.headers</c>.</remarks>
    /// <exception cref="ArgumentNullException"><paramref name="name"/> is <see langword="null"/>.</exception>
    public void Add(string name, string? value)
    {
        ArgumentNullException.ThrowIfNull(name);
        lock (_items)
        {
            var index = IndexOf(name);
            if (index < 0)
            {
                _items.Add(new(name, value));
            }
            else if (value is not null)
            {
                var existing = _items[index];
                _items[index] = new(existing.Key, existing.Value is null ? value : existing.Value + ", " + value);
            }

            Version++;
        }
    }

    /// <summary>Determines whether a header of that name is present, ignoring case.</summary>
    /// <param name="name">The header name.</param>
    /// <returns><see langword="true"/> when present.</returns>
    public bool ContainsKey(string name) => IndexOf(name) >= 0;

    /// <summary>Gets the value of a header when present.</summary>
    /// <param name="name">The header name.</param>
    /// <param name="value">The value when present.</param>
    /// <returns><see langword="true"/> when present.</returns>
    public bool TryGetValue(string name, out string? value)
    {
        var index = IndexOf(name);
        value = index < 0 ? null : _items[index].Value;
        return index >= 0;
    }

    /// <summary>Removes a header, ignoring the case of its name.</summary>
    /// <param name="name">The header name.</param>
    /// <returns><see langword="true"/> when a header was removed.</returns>
    public bool Remove(string name)
    {
        lock (_items)
        {
            var index = IndexOf(name);
            if (index < 0)
            {
                return false;
            }

            _items.RemoveAt(index);
            Version++;
            return true;
        }
    }

    /// <summary>Removes every header.</summary>
    public void Clear()
    {
        lock (_items)
        {
            _items.Clear();
            Version++;
        }
    }

    /// <inheritdoc/>
    public IEnumerator<KeyValuePair<string, string?>> GetEnumerator() => _items.GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    /// <summary>Returns a copy with the same names, spellings, values and order (requests' <c>CaseInsensitiveDict.copy</c>).</summary>
    /// <returns>The copy; changing either map leaves the other alone.</returns>
    public HeaderMap Copy() => new(this);

    /// <summary>Compares two maps as requests' <c>CaseInsensitiveDict.__eq__</c>: the same names ignoring case, with the same values, in any order.</summary>
    /// <param name="other">The other map.</param>
    /// <returns><see langword="true"/> when both hold the same headers.</returns>
    public bool Equals(HeaderMap? other)
    {
        if (other is null || other.Count != Count)
        {
            return false;
        }

        foreach (var (name, value) in _items)
        {
            if (!other.TryGetValue(name, out var otherValue) || !string.Equals(value, otherValue, StringComparison.Ordinal))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>Compares with another <see cref="HeaderMap"/> as <see cref="Equals(HeaderMap?)"/>; any other object is not equal.</summary>
    /// <param name="obj">The object.</param>
    /// <returns><see langword="true"/> when <paramref name="obj"/> is a map with the same headers.</returns>
    public override bool Equals(object? obj) => Equals(obj as HeaderMap);

    /// <summary>Returns a hash of the headers that ignores name case and order; it changes when the map changes.</summary>
    /// <returns>The hash.</returns>
    public override int GetHashCode()
    {
        var hash = 0;
        foreach (var (name, value) in _items)
        {
            hash ^= HashCode.Combine(StringComparer.OrdinalIgnoreCase.GetHashCode(name), value);
        }

        return hash;
    }

    /// <summary>Returns the headers as <c>Name: value</c> lines, with credentials redacted.</summary>
    /// <returns>The headers, one per line.</returns>
    public override string ToString() => Redaction.FormatHeaders(this);

    /// <summary>Gets a number that changes with every change to the map, so a session can tell its snapshot is current.</summary>
    internal int Version { get; private set; }

    internal KeyValuePair<string, string?> ItemAt(int index) => _items[index];

    private int IndexOf(string? name)
    {
        if (name is null)
        {
            return -1;
        }

        // A linear scan beats a dictionary for the dozen headers a request carries and allocates nothing.
        var items = _items;
        for (var i = 0; i < items.Count; i++)
        {
            if (string.Equals(items[i].Key, name, StringComparison.OrdinalIgnoreCase))
            {
                return i;
            }
        }

        return -1;
    }
}
