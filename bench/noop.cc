// The floor's child program: does nothing, statically linked so that exec has
// no dynamic loader or shared libraries to map.
int main() {
  return 0;
}
