namespace Pipeline;

/// <summary>
/// The cookies of one domain key (<c>""</c>, <c>"example.com"</c> host-only or <c>".example.com"</c>), immutable: by
/// path in the order each path first entered the domain, then in the order each name entered that path, as
/// http.cookiejar's <c>_cookies[domain][path][name]</c> dictionaries keep them. A path emptied by a removal keeps its
/// place, as the dictionary's key does.
/// </summary>
internal sealed class DomainGroup
{
    private string? _site;

    public DomainGroup(string domain, string? site, long rank, string[] paths, StoredCookie[] entries)
    {
        Domain = domain;
        _site = site;
        Rank = rank;
        Paths = paths;
        Entries = entries;
    }

    /// <summary>Gets the domain as cookies store it: empty, a host, or a dot and a domain.</summary>
    public string Domain { get; }

    /// <summary>
    /// Gets the key the per-domain limit counts under: the registrable domain ("eTLD+1"), else the domain itself.
    /// Found on first use, when the limit is first in reach, so that a small jar never reads the Public Suffix List.
    /// </summary>
    public string Site => _site ??= CookieSnapshot.SiteOf(Domain);

    /// <summary>Gets the order in which the domain first entered the jar.</summary>
    public long Rank { get; }

    /// <summary>Gets the paths in the order each first entered the domain.</summary>
    public string[] Paths { get; }

    /// <summary>Gets the cookies, ordered by path slot and then by the order each entered it.</summary>
    public StoredCookie[] Entries { get; }

    public int IndexOf(string name, string path)
    {
        var entries = Entries;
        for (var i = 0; i < entries.Length; i++)
        {
            var cookie = entries[i].Entry.Cookie;
            if (cookie.Name == name && cookie.Path == path)
            {
                return i;
            }
        }

        return -1;
    }

    public DomainGroup WithReplaced(int index, CookieEntry entry, long stamp)
    {
        var entries = (StoredCookie[])Entries.Clone();
        entries[index] = entries[index] with { Entry = entry, Stamp = stamp };
        return new DomainGroup(Domain, _site, Rank, Paths, entries);
    }

    /// <summary>Adds a cookie at the end of its path's cookies, its path at the end of the domain's paths when new.</summary>
    public DomainGroup WithAdded(CookieEntry entry, long stamp)
    {
        var path = entry.Cookie.Path;
        var paths = Paths;
        var slot = Array.IndexOf(paths, path);
        if (slot < 0)
        {
            slot = paths.Length;
            paths = [.. paths, path];
        }

        var position = Entries.Length;
        while (position > 0 && Entries[position - 1].PathSlot > slot)
        {
            position--;
        }

        var entries = new StoredCookie[Entries.Length + 1];
        Entries.AsSpan(0, position).CopyTo(entries);
        entries[position] = new StoredCookie(entry, slot, stamp);
        Entries.AsSpan(position).CopyTo(entries.AsSpan(position + 1));
        return new DomainGroup(Domain, _site, Rank, paths, entries);
    }

    /// <summary>Removes a cookie; its path keeps its place unless the domain holds many more paths than cookies.</summary>
    public DomainGroup WithRemovedAt(int index)
    {
        var entries = new StoredCookie[Entries.Length - 1];
        Entries.AsSpan(0, index).CopyTo(entries);
        Entries.AsSpan(index + 1).CopyTo(entries.AsSpan(index));
        return Paths.Length > (2 * entries.Length) + 8 ? Compact(entries) : new DomainGroup(Domain, _site, Rank, Paths, entries);
    }

    // Drops the paths no cookie uses any more, so a domain whose cookies come and go on ever new paths stays small.
    private DomainGroup Compact(StoredCookie[] entries)
    {
        var used = new List<string>();
        var remap = new int[Paths.Length];
        for (var i = 0; i < entries.Length; i++)
        {
            var slot = entries[i].PathSlot;
            if (i == 0 || entries[i - 1].PathSlot != slot)
            {
                remap[slot] = used.Count;
                used.Add(Paths[slot]);
            }

            entries[i] = entries[i] with { PathSlot = remap[slot] };
        }

        return new DomainGroup(Domain, _site, Rank, [.. used], entries);
    }
}

/// <summary>A cookie in its domain group: the path slot it belongs to and when it was last set (for eviction).</summary>
internal readonly record struct StoredCookie(CookieEntry Entry, int PathSlot, long Stamp);
