namespace NetCompiler.Generator;

/// <summary>Names of the pipeline steps, for incremental-caching tests.</summary>
internal static class TrackingNames
{
    public const string Parse = nameof(Parse);
    public const string Diagnostics = nameof(Diagnostics);
    public const string Networks = nameof(Networks);
    public const string OrphanLayers = nameof(OrphanLayers);
    public const string AnyNetwork = nameof(AnyNetwork);
    public const string AnyCode = nameof(AnyCode);
    public const string Baked = nameof(Baked);
}
