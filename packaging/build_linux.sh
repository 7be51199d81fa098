#!/usr/bin/env bash
# Build the Linux one-folder bundle (PyInstaller) and a .deb from it, into dist/.
#   packaging/build_linux.sh [PYTHON]     PYTHON: an interpreter with bellbar and pyinstaller
set -euo pipefail
cd "$(dirname "$0")/.."
python=${1:-.venv/bin/python}
version=$("$python" -c "import bellbar; print(bellbar.__version__)")
rm -rf build/pyinstaller dist/bellbar dist/deb

# uvicorn picks its loop and protocol implementations by name at run time (the hub inside the
# bundle needs them); keyring finds its backends through entry points.
"$python" -m PyInstaller --noconfirm --clean --log-level WARN \
  --name bellbar --distpath dist --workpath build/pyinstaller --specpath build/pyinstaller \
  --collect-data bellbar \
  --collect-submodules uvicorn --collect-submodules bellbar \
  --copy-metadata keyring --copy-metadata bellbar \
  --exclude-module tkinter --exclude-module pytest \
  packaging/entry.py

# The .deb: the bundle under /opt/bellbar, a launcher, the desktop entry and the icons.
root=dist/deb/bellbar_${version}_amd64
mkdir -p "$root/DEBIAN" "$root/opt" "$root/usr/bin" "$root/usr/share/applications"
cp -a dist/bellbar "$root/opt/bellbar"
ln -s /opt/bellbar/bellbar "$root/usr/bin/bellbar"
cp packaging/linux/bellbar.desktop "$root/usr/share/applications/"
for size in 16 22 24 32 48 64 128 256 512; do
  dir="$root/usr/share/icons/hicolor/${size}x${size}/apps"
  mkdir -p "$dir"
  cp "src/bellbar/assets/icons/bellbar-${size}.png" "$dir/bellbar.png"
done
mkdir -p "$root/usr/share/icons/hicolor/scalable/apps"
cp src/bellbar/assets/bell.svg "$root/usr/share/icons/hicolor/scalable/apps/bellbar.svg"
installed_kib=$(du -sk "$root" | cut -f1)
sed -e "s/@VERSION@/${version}/" -e "s/@SIZE@/${installed_kib}/" packaging/linux/control \
  > "$root/DEBIAN/control"
dpkg-deb --root-owner-group --build "$root" >/dev/null
echo "built dist/bellbar (bundle) and $root.deb"
