namespace BlazorTickets.Features.Api.Resources;

public static class MessageApi
{
    public static void Map(RouteGroupBuilder api)
    {
    }
}
