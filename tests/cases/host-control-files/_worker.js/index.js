export default { fetch() { return new Response("taken over") } }
