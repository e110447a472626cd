using System.Collections;
using System.Net;
using System.Net.Sockets;

namespace Pipeline;

/// <summary>
/// One immutable state of a <see cref="CookieJar"/>: the cookies grouped by domain, the groups in the order each domain
/// first entered the jar (http.cookiejar's order), with an index from a host name to its groups so that a request looks
/// up only the domains that can match it (its host and the domains above it), whatever else the jar holds.
/// </summary>
internal sealed class CookieSnapshot : IEnumerable<CookieEntry>
{
    public static readonly CookieSnapshot Empty = new Builder(0, 0).ToSnapshot();

    // A group emptied by removals keeps its place, as http.cookiejar keeps the domain's key; past this many, and more
    // empty than live ones, the empty ones are dropped.
    private const int EmptyGroupsKept = 64;

    private readonly DomainGroup[] _groups;
    private readonly Dictionary<string, DomainNode> _byName;
    private readonly Dictionary<string, DomainNode>.AlternateLookup<ReadOnlySpan<char>> _lookup;

    private CookieSnapshot(DomainGroup[] groups, Dictionary<string, DomainNode> byName, DomainGroup? everyHost, int length, long nextRank, long nextStamp)
    {
        _groups = groups;
        _byName = byName;
        _lookup = byName.GetAlternateLookup<ReadOnlySpan<char>>();
        EveryHost = everyHost;
        HasDomainGroups = byName.Count > 0;
        Length = length;
        NextRank = nextRank;
        NextStamp = nextStamp;
    }

    /// <summary>Gets the group of the cookies for every host (domain <c>""</c>), or null.</summary>
    public DomainGroup? EveryHost { get; }

    /// <summary>Gets the number of cookies stored, expired ones included.</summary>
    public int Length { get; }

    public bool IsEmpty => Length == 0;

    /// <summary>Gets a value indicating whether any cookie is for a particular domain or host, so a request needs its host.</summary>
    public bool HasDomainGroups { get; }

    /// <summary>Gets the rank the next domain to enter the jar will have.</summary>
    public long NextRank { get; }

    /// <summary>Gets the stamp the next cookie set will have.</summary>
    public long NextStamp { get; }

    /// <summary>Gets the groups in jar order.</summary>
    public ReadOnlySpan<DomainGroup> Groups => _groups;

    /// <summary>Finds the host-only and domain groups stored under a host name (the domain without its dot).</summary>
    public bool TryGetNode(ReadOnlySpan<char> name, out DomainNode node) => _lookup.TryGetValue(name, out node);

    public IEnumerator<CookieEntry> GetEnumerator()
    {
        foreach (var group in _groups)
        {
            foreach (var stored in group.Entries)
            {
                yield return stored.Entry;
            }
        }
    }

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    /// <summary>The per-domain limit's key for a domain: its registrable domain, or the name itself (an IP, a public suffix).</summary>
    internal static string SiteOf(string domain)
    {
        var name = domain.StartsWith('.') ? domain[1..] : domain;
        if (name.Length == 0 || name.StartsWith('[') || (IPAddress.TryParse(name, out var ip) && ip.AddressFamily is AddressFamily.InterNetwork or AddressFamily.InterNetworkV6))
        {
            return name;
        }

        return PublicSuffixList.GetRegistrableDomain(name) ?? name;
    }

    /// <summary>The changes of one write: a copy of the snapshot's index, changed in place, then frozen.</summary>
    internal sealed class Builder
    {
        private readonly List<DomainGroup> _groups;
        private readonly Dictionary<string, DomainNode> _byName;
        private DomainGroup? _everyHost;
        private long _nextRank;
        private long _nextStamp;
        private int _length;

        public Builder(long nextRank, long nextStamp)
        {
            _groups = [];
            _byName = new Dictionary<string, DomainNode>(StringComparer.Ordinal);
            _nextRank = nextRank;
            _nextStamp = nextStamp;
        }

        public Builder(CookieSnapshot from)
        {
            _groups = [.. from._groups];
            _byName = new Dictionary<string, DomainNode>(from._byName, StringComparer.Ordinal);
            _everyHost = from.EveryHost;
            _nextRank = from.NextRank;
            _nextStamp = from.NextStamp;
            _length = from.Length;
        }

        public int Length => _length;

        public bool Changed { get; private set; }

        /// <summary>
        /// Stores a cookie: it replaces the one of the same name, domain and path in its place (§5.3 step 11.3 keeps the
        /// old creation-time), or comes last in its path; with <paramref name="expiredDeletes"/>, an expired one deletes it.
        /// </summary>
        /// <returns>True when the jar holds one cookie more.</returns>
        public bool Put(CookieEntry entry, bool expiredDeletes, DateTime utcNow)
        {
            var domain = entry.Cookie.Domain;
            var group = Find(domain);
            var index = group?.IndexOf(entry.Cookie.Name, entry.Cookie.Path) ?? -1;
            if (expiredDeletes && entry.IsExpired(utcNow))
            {
                if (index >= 0)
                {
                    Replace(group!, group!.WithRemovedAt(index));
                    _length--;
                }

                return false;
            }

            var stamp = _nextStamp++;
            Changed = true;
            if (index >= 0)
            {
                Replace(group!, group!.WithReplaced(index, entry, stamp));
                return false;
            }

            group ??= Create(domain);
            Replace(group, group.WithAdded(entry, stamp));
            _length++;
            return true;
        }

        /// <summary>Removes the cookies of a name, narrowed by domain and path when given.</summary>
        public bool Remove(string name, string? domain, string? path)
        {
            var removed = false;
            for (var g = 0; g < _groups.Count; g++)
            {
                var group = _groups[g];
                for (var i = group.Entries.Length - 1; i >= 0; i--)
                {
                    if (group.Entries[i].Entry.Matches(name, domain, path))
                    {
                        group = group.WithRemovedAt(i);
                        _length--;
                        removed = true;
                    }
                }

                if (!ReferenceEquals(group, _groups[g]))
                {
                    Replace(_groups[g], group);
                }
            }

            return removed;
        }

        /// <summary>
        /// Applies the count limits after a cookie for <paramref name="domain"/> was added: the cookies of its site, then
        /// of the whole jar, beyond the limit are evicted, expired ones first, then the least recently set.
        /// </summary>
        /// <returns>The number of cookies evicted.</returns>
        public int EnforceLimits(CookieJarLimits limits, string domain, DateTime utcNow)
        {
            var evicted = 0;

            // A site can hold more than the limit only when the jar does.
            if (_length > limits.MaxCookiesPerDomain && Find(domain) is { } group)
            {
                var site = group.Site;
                var count = 0;
                foreach (var candidate in _groups)
                {
                    count += candidate.Site == site ? candidate.Entries.Length : 0;
                }

                for (; count > limits.MaxCookiesPerDomain; count--)
                {
                    EvictOne(site, utcNow);
                    evicted++;
                }
            }

            while (_length > limits.MaxCookies)
            {
                EvictOne(null, utcNow);
                evicted++;
            }

            return evicted;
        }

        public CookieSnapshot ToSnapshot()
        {
            var empty = 0;
            foreach (var group in _groups)
            {
                empty += group.Entries.Length == 0 ? 1 : 0;
            }

            if (empty > EmptyGroupsKept && empty > _groups.Count - empty)
            {
                foreach (var group in _groups)
                {
                    if (group.Entries.Length == 0)
                    {
                        Unindex(group);
                    }
                }

                _groups.RemoveAll(g => g.Entries.Length == 0);
            }

            return new CookieSnapshot([.. _groups], _byName, _everyHost, _length, _nextRank, _nextStamp);
        }

        private void EvictOne(string? site, DateTime utcNow)
        {
            DomainGroup? victimGroup = null;
            var victimIndex = -1;
            var victimExpired = false;
            var victimStamp = long.MaxValue;
            foreach (var group in _groups)
            {
                if (site is not null && group.Site != site)
                {
                    continue;
                }

                for (var i = 0; i < group.Entries.Length; i++)
                {
                    var stored = group.Entries[i];
                    var expired = stored.Entry.IsExpired(utcNow);
                    if ((expired && !victimExpired) || (expired == victimExpired && stored.Stamp < victimStamp))
                    {
                        (victimGroup, victimIndex, victimExpired, victimStamp) = (group, i, expired, stored.Stamp);
                    }
                }
            }

            if (victimGroup is not null)
            {
                Replace(victimGroup, victimGroup.WithRemovedAt(victimIndex));
                _length--;
                Changed = true;
            }
        }

        private DomainGroup? Find(string domain)
        {
            if (domain.Length == 0)
            {
                return _everyHost;
            }

            var hostOnly = domain[0] != '.';
            return _byName.TryGetValue(hostOnly ? domain : domain[1..], out var node) ? (hostOnly ? node.HostOnly : node.Domain) : null;
        }

        private DomainGroup Create(string domain)
        {
            var group = new DomainGroup(domain, null, _nextRank++, [], []);
            _groups.Add(group);
            Index(group);
            return group;
        }

        private void Replace(DomainGroup old, DomainGroup updated)
        {
            Changed = true;

            // Groups are in rank order, so the old one is found by a binary search.
            var low = 0;
            var high = _groups.Count - 1;
            while (low <= high)
            {
                var mid = (low + high) >>> 1;
                var rank = _groups[mid].Rank;
                if (rank == old.Rank)
                {
                    _groups[mid] = updated;
                    break;
                }

                if (rank < old.Rank)
                {
                    low = mid + 1;
                }
                else
                {
                    high = mid - 1;
                }
            }

            Index(updated);
        }

        private void Index(DomainGroup group)
        {
            var domain = group.Domain;
            if (domain.Length == 0)
            {
                _everyHost = group;
                return;
            }

            var hostOnly = domain[0] != '.';
            var name = hostOnly ? domain : domain[1..];
            _byName.TryGetValue(name, out var node);
            _byName[name] = hostOnly ? node with { HostOnly = group } : node with { Domain = group };
        }

        private void Unindex(DomainGroup group)
        {
            var domain = group.Domain;
            if (domain.Length == 0)
            {
                _everyHost = null;
                return;
            }

            var hostOnly = domain[0] != '.';
            var name = hostOnly ? domain : domain[1..];
            if (_byName.TryGetValue(name, out var node))
            {
                node = hostOnly ? node with { HostOnly = null } : node with { Domain = null };
                if (node.HostOnly is null && node.Domain is null)
                {
                    _byName.Remove(name);
                }
                else
                {
                    _byName[name] = node;
                }
            }
        }
    }
}

/// <summary>The groups stored under one host name: its host-only cookies and its domain cookies.</summary>
internal readonly record struct DomainNode(DomainGroup? HostOnly, DomainGroup? Domain);
