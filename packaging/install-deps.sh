#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Installs what RunLens needs to build, test and run on Debian 12, and nothing that is already there.
# Safe to run again: it only calls apt-get when a package is missing.
set -euo pipefail

packages=(
    # build
    cmake ninja-build g++ pkg-config clang-format
    # libraries
    qt6-base-dev qt6-base-dev-tools qt6-charts-dev qt6-svg-dev libqt6svg6-dev libgl-dev
    libsqlite3-dev nlohmann-json3-dev libarchive-dev libyaml-cpp-dev libfast-float-dev
    libbenchmark-dev libsodium-dev libprotobuf-dev protobuf-compiler
    # tests and tooling: the Python writers' virtual environment, a display for GUI checks, fonts
    python3 python3-venv python3-pip sqlite3 xvfb xauth fonts-dejavu-core time
)

missing=()
for package in "${packages[@]}"; do
    if ! dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed"; then
        missing+=("$package")
    fi
done

if [ ${#missing[@]} -eq 0 ]; then
    echo "install-deps: everything is installed"
    exit 0
fi

echo "install-deps: installing ${missing[*]}"
sudo=""
if [ "$(id -u)" -ne 0 ]; then
    command -v sudo >/dev/null || { echo "install-deps: run as root or install sudo" >&2; exit 1; }
    sudo="sudo"
fi
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
