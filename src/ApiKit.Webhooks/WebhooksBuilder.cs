using Microsoft.Extensions.DependencyInjection;

namespace ApiKit.Webhooks;

/// <summary>Chooses the store and adds the dispatcher after <c>AddWebhooks</c>.</summary>
public sealed class WebhooksBuilder
{
    internal WebhooksBuilder(IServiceCollection services) => Services = services;

    /// <summary>Gets the services.</summary>
    public IServiceCollection Services { get; }
}
