namespace Pipeline;

/// <summary>requests' <c>merge_setting</c> and <c>merge_hooks</c> for the settings that are not headers.</summary>
internal static class MergeRules
{
    // Shared empty results: the stages only read merged settings, they never change them.
    private static readonly QueryParams EmptyParams = [];
    private static readonly ProxyMap EmptyProxies = [];

    /// <summary>Scalar settings: a request value that is set wins, <see langword="false"/> included.</summary>
    public static T? MergeSetting<T>(T? request, T? session)
        where T : class => request ?? session;

    /// <summary>Params: session pairs updated by the request's keys (a replaced key keeps its place); all-null keys are removed.</summary>
    public static QueryParams MergeSetting(QueryParams? request, QueryParams? session)
    {
        if (request is null or { Count: 0 })
        {
            // Only a snapshot of the session's params is needed; null values are dropped when the URL is built.
            return session is null or { Count: 0 } ? EmptyParams : new QueryParams(session);
        }

        var merged = new QueryParams();
        var requestKeys = new HashSet<string>(StringComparer.Ordinal);
        if (request is not null)
        {
            foreach (var pair in request)
            {
                requestKeys.Add(pair.Key);
            }
        }

        var emitted = new HashSet<string>(StringComparer.Ordinal);
        if (session is not null)
        {
            foreach (var pair in session)
            {
                if (!requestKeys.Contains(pair.Key))
                {
                    merged.Add(pair.Key, pair.Value);
                }
                else if (emitted.Add(pair.Key))
                {
                    AddAll(merged, request!, pair.Key);
                }
            }
        }

        if (request is not null)
        {
            foreach (var pair in request)
            {
                if (emitted.Add(pair.Key))
                {
                    AddAll(merged, request, pair.Key);
                }
            }
        }

        RemoveAllNullKeys(merged);
        return merged;
    }

    /// <summary>
    /// Proxies: session entries updated by the request's. A null value removes the key, but stays in the map as a null
    /// entry until <see cref="ProxyRules.ResolveProxies"/> drops it, so that the environment does not fill that key
    /// either: requests' <c>merge_environment_settings</c> fills the request's proxies from the environment before
    /// <c>merge_setting</c> removes the nulls, so <c>{"https": None}</c> goes direct even with HTTPS_PROXY set.
    /// </summary>
    public static ProxyMap MergeSetting(ProxyMap? request, ProxyMap? session)
    {
        if (request is null && session is null or { Count: 0 })
        {
            return EmptyProxies;
        }

        var merged = session is null ? new ProxyMap() : new ProxyMap(session);
        if (request is not null)
        {
            foreach (var pair in request)
            {
                merged[pair.Key] = pair.Value;
            }
        }

        return merged;
    }

    /// <summary>requests' <c>merge_hooks</c>: an empty side yields the other; otherwise the request's list replaces the session's.</summary>
    public static HookMap MergeHooks(HookMap? request, HookMap? session)
    {
        if (request is null || request.Response.Count == 0)
        {
            return session ?? new HookMap();
        }

        return request;
    }

    private static void AddAll(QueryParams target, QueryParams source, string key)
    {
        foreach (var pair in source)
        {
            if (pair.Key == key)
            {
                target.Add(pair.Key, pair.Value);
            }
        }
    }

    private static void RemoveAllNullKeys(QueryParams merged)
    {
        var keys = new HashSet<string>(StringComparer.Ordinal);
        foreach (var pair in merged)
        {
            keys.Add(pair.Key);
        }

        foreach (var key in keys)
        {
            var values = merged.GetValues(key);
            if (values.All(v => v is null))
            {
                merged.Remove(key);
            }
        }
    }
}
